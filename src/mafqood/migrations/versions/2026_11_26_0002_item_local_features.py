"""Local image features of each item, read at match time for same-instance verification.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE items ADD COLUMN local_features BYTEA")
    # Finds the items a reindex still has to do after a model change.
    op.execute("CREATE INDEX idx_items_image_model ON items(image_model)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS idx_items_image_model")
    op.execute("ALTER TABLE items DROP COLUMN IF EXISTS local_features")
