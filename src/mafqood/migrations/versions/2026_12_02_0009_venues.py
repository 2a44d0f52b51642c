"""Venues: members, invitations, the venue's found items (tag code, storage location), claims
with hidden control details, handovers and disposals.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from mafqood.migrations.sql import execute_script

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


UPGRADE = """
CREATE TABLE venues (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    location VARCHAR(255) NOT NULL,
    location_type VARCHAR(50) NOT NULL,
    latitude NUMERIC(10, 8) NOT NULL CONSTRAINT ck_venues_latitude
        CHECK (latitude BETWEEN -90 AND 90),
    longitude NUMERIC(11, 8) NOT NULL CONSTRAINT ck_venues_longitude
        CHECK (longitude BETWEEN -180 AND 180),
    desk_phone VARCHAR(20),
    desk_email VARCHAR(255),
    opening_hours TEXT,
    languages JSONB NOT NULL DEFAULT '[]'::jsonb,
    retention_days JSONB NOT NULL DEFAULT '{}'::jsonb,
    desk_user_id UUID NOT NULL UNIQUE REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE venue_members (
    venue_id UUID NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role VARCHAR(10) NOT NULL CONSTRAINT ck_venue_members_role CHECK (role IN ('owner', 'staff')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (venue_id, user_id)
);
CREATE INDEX idx_venue_members_user ON venue_members(user_id);
CREATE TABLE venue_invitations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    venue_id UUID NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    email VARCHAR(255) NOT NULL,
    role VARCHAR(10) NOT NULL
        CONSTRAINT ck_venue_invitations_role CHECK (role IN ('owner', 'staff')),
    token_hash VARCHAR(64) NOT NULL UNIQUE,
    invited_by UUID REFERENCES users(id) ON DELETE SET NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_venue_invitations_venue ON venue_invitations(venue_id);
CREATE INDEX idx_venue_invitations_email ON venue_invitations(email);

ALTER TABLE items ADD COLUMN venue_id UUID REFERENCES venues(id);
ALTER TABLE items ADD COLUMN tag_code VARCHAR(12) UNIQUE;
ALTER TABLE items ADD COLUMN storage_location VARCHAR(255);
ALTER TABLE items ADD COLUMN control_details TEXT;
CREATE INDEX idx_items_venue_created ON items(venue_id, created_at DESC)
    WHERE venue_id IS NOT NULL;

CREATE TABLE claims (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    item_id UUID NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    claimant_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    lost_item_id UUID REFERENCES items(id) ON DELETE SET NULL,
    answers TEXT NOT NULL,
    status VARCHAR(10) NOT NULL DEFAULT 'pending'
        CONSTRAINT ck_claims_status CHECK (status IN ('pending', 'approved', 'rejected')),
    reason TEXT,
    decided_by UUID REFERENCES users(id) ON DELETE SET NULL,
    decided_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_claims_item ON claims(item_id, created_at DESC);
CREATE INDEX idx_claims_claimant ON claims(claimant_id);
CREATE UNIQUE INDEX uq_claims_pending ON claims(item_id, claimant_id) WHERE status = 'pending';

CREATE TABLE handovers (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    item_id UUID NOT NULL UNIQUE REFERENCES items(id) ON DELETE CASCADE,
    claim_id UUID REFERENCES claims(id) ON DELETE SET NULL,
    collected_by_name VARCHAR(255) NOT NULL,
    collected_by_user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    collected_at TIMESTAMPTZ NOT NULL,
    staff_id UUID REFERENCES users(id) ON DELETE SET NULL,
    id_checked BOOLEAN NOT NULL,
    id_type VARCHAR(30),
    id_last4 VARCHAR(4),
    notes TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE disposals (
    item_id UUID PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    venue_id UUID NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    method VARCHAR(20) NOT NULL
        CONSTRAINT ck_disposals_method CHECK (method IN ('donated', 'destroyed', 'police')),
    notes TEXT,
    staff_id UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_disposals_venue_created ON disposals(venue_id, created_at);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS disposals;
DROP TABLE IF EXISTS handovers;
DROP TABLE IF EXISTS claims;
DROP INDEX IF EXISTS idx_items_venue_created;
ALTER TABLE items DROP COLUMN IF EXISTS control_details;
ALTER TABLE items DROP COLUMN IF EXISTS storage_location;
ALTER TABLE items DROP COLUMN IF EXISTS tag_code;
ALTER TABLE items DROP COLUMN IF EXISTS venue_id;
DROP TABLE IF EXISTS venue_invitations;
DROP TABLE IF EXISTS venue_members;
DROP TABLE IF EXISTS venues;
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
