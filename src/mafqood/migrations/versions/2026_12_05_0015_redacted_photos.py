"""Masked copies of photos of documents: whether the analysis saw a document in a view, and
the storage key of the view's masked copy (its text, identifiers and faces painted over),
shown to everyone but the item's holders and an approved claimant.

Revision ID: 0015_redacted_document_photos
Revises: 0014_items_earth_point
Create Date: 2026-12-05
"""

from mafqood.migrations.sql import execute_script

revision = "0015_redacted_document_photos"
down_revision = "0014_items_earth_point"
branch_labels = None
depends_on = None

UPGRADE = """
ALTER TABLE item_photos
    ADD COLUMN shows_document BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN redacted_key VARCHAR(255)
"""

DOWNGRADE = """
ALTER TABLE item_photos
    DROP COLUMN IF EXISTS redacted_key,
    DROP COLUMN IF EXISTS shows_document
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
