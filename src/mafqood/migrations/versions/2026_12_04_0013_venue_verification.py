"""Venue verification: a venue is "pending" until a platform administrator has checked that
it is a real place holding people's property (who, when, and what was checked). Venues that
exist already were set up before this check and stay in service: they become "verified".

Revision ID: 0013_venue_verification
Revises: 0012_claims_held_for_review
Create Date: 2026-12-04
"""

from mafqood.migrations.sql import execute_script

revision = "0013_venue_verification"
down_revision = "0012_claims_held_for_review"
branch_labels = None
depends_on = None

UPGRADE = """
ALTER TABLE venues
    ADD COLUMN verification VARCHAR(10) NOT NULL DEFAULT 'verified'
        CONSTRAINT ck_venues_verification CHECK (verification IN ('pending', 'verified')),
    ADD COLUMN verified_by UUID REFERENCES users(id) ON DELETE SET NULL,
    ADD COLUMN verified_at TIMESTAMPTZ,
    ADD COLUMN verification_note TEXT;
UPDATE venues SET verified_at = now(),
    verification_note = 'In service before venue verification existed (migration 0013)';
ALTER TABLE venues ALTER COLUMN verification SET DEFAULT 'pending';
CREATE INDEX idx_venues_pending ON venues (created_at) WHERE verification = 'pending'
"""

DOWNGRADE = """
DROP INDEX IF EXISTS idx_venues_pending;
ALTER TABLE venues
    DROP COLUMN IF EXISTS verification_note,
    DROP COLUMN IF EXISTS verified_at,
    DROP COLUMN IF EXISTS verified_by,
    DROP COLUMN IF EXISTS verification
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
