"""The venue's public page and reports on the web without the app: what a venue shows the
public of its found items, the web reports awaiting their mail's confirmation, and the
status-link secret of accounts created from the web (rotated to revoke every link sent).

Revision ID: 0018w_web_public
Revises: 0017_redacted_document_photos
Create Date: 2026-12-05
"""

from mafqood.migrations.sql import execute_script

revision = "0018w_web_public"
down_revision = "0017_redacted_document_photos"
branch_labels = None
depends_on = None

UPGRADE = """
ALTER TABLE venues
    ADD COLUMN public_fields JSONB NOT NULL
        DEFAULT '["category", "color", "date", "area"]'::jsonb,
    ADD COLUMN public_photos BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN web_link_nonce VARCHAR(32);
CREATE TABLE web_reports (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    venue_id UUID NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    email VARCHAR(255) NOT NULL,
    language VARCHAR(5) NOT NULL
        CONSTRAINT ck_web_reports_language CHECK (language IN ('en', 'ar')),
    full_name VARCHAR(255) NOT NULL,
    form JSONB NOT NULL,
    photo BYTEA,
    photo_type VARCHAR(100),
    confirm_hash VARCHAR(64) NOT NULL UNIQUE,
    expires_at TIMESTAMPTZ NOT NULL,
    confirmed_at TIMESTAMPTZ,
    item_id UUID REFERENCES items(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_web_reports_unconfirmed ON web_reports (expires_at) WHERE confirmed_at IS NULL
"""

DOWNGRADE = """
DROP TABLE IF EXISTS web_reports;
ALTER TABLE users DROP COLUMN IF EXISTS web_link_nonce;
ALTER TABLE venues DROP COLUMN IF EXISTS public_photos, DROP COLUMN IF EXISTS public_fields
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
