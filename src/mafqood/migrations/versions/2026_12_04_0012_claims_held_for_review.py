"""Claims held for review: once an item draws many claims from different accounts, new ones
are still filed but flagged for the desk, instead of the item being closed to claims.

Revision ID: 0012_claims_held_for_review
Revises: 0011
Create Date: 2026-12-04
"""

from mafqood.migrations.sql import execute_script

revision = "0012_claims_held_for_review"
down_revision = "0011"
branch_labels = None
depends_on = None

UPGRADE = """
ALTER TABLE claims ADD COLUMN held_for_review BOOLEAN NOT NULL DEFAULT false
"""

DOWNGRADE = """
ALTER TABLE claims DROP COLUMN IF EXISTS held_for_review
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
