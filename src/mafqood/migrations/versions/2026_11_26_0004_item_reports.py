"""Reports of items by users (moderation): one per user and item; enough of them hide the item.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from alembic import op

from mafqood.migrations.sql import execute_script

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE item_reports (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    item_id UUID NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    reporter_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason VARCHAR(20) NOT NULL CONSTRAINT ck_item_reports_reason CHECK (reason IN (
        'spam', 'inappropriate', 'fraud', 'offensive', 'personal_info', 'other')),
    details TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    reviewed_at TIMESTAMPTZ,
    CONSTRAINT uq_item_reports_item_id UNIQUE (item_id, reporter_id)
);
CREATE INDEX idx_item_reports_reporter_id ON item_reports(reporter_id);
CREATE INDEX idx_items_hidden ON items(updated_at DESC) WHERE is_hidden
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS idx_items_hidden")
    op.execute("DROP TABLE IF EXISTS item_reports")
