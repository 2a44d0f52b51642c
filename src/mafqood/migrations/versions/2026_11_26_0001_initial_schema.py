"""Initial schema: every table of the product spec, plus push-device tokens and item views.

Written as SQL so that it reads like the spec's schema. Only extensions that the embedded
server ships are used (no pgcrypto / uuid-ossp: ids come from core gen_random_uuid()).

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from mafqood.migrations.sql import execute_script

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UPGRADE = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS earthdistance;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email VARCHAR(255) NOT NULL CONSTRAINT uq_users_email UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    full_name VARCHAR(255) NOT NULL,
    phone VARCHAR(20),
    avatar_url VARCHAR(512),
    is_venue BOOLEAN NOT NULL DEFAULT FALSE,
    is_verified BOOLEAN NOT NULL DEFAULT FALSE,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    preferred_language VARCHAR(5) NOT NULL DEFAULT 'en'
        CONSTRAINT ck_users_language CHECK (preferred_language IN ('en', 'ar')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_login_at TIMESTAMPTZ,
    CONSTRAINT ck_users_email_lower CHECK (email = lower(email))
);
CREATE INDEX idx_users_phone ON users(phone);

CREATE TABLE items (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type VARCHAR(10) NOT NULL CONSTRAINT ck_items_type CHECK (type IN ('lost', 'found')),
    status VARCHAR(20) NOT NULL DEFAULT 'open'
        CONSTRAINT ck_items_status CHECK (status IN ('open', 'matched', 'closed', 'claimed')),
    title VARCHAR(255) NOT NULL CONSTRAINT ck_items_title_not_blank CHECK (btrim(title) <> ''),
    description TEXT,
    category VARCHAR(50) NOT NULL CONSTRAINT ck_items_category CHECK (category IN (
        'phone', 'wallet', 'bag', 'id', 'jewelry', 'electronics', 'keys', 'documents', 'other')),
    brand VARCHAR(100),
    color VARCHAR(50),
    image_url VARCHAR(512) NOT NULL,
    thumbnail_url VARCHAR(512),
    image_key VARCHAR(255),
    image_hash VARCHAR(64),
    location VARCHAR(255) NOT NULL,
    location_detail TEXT,
    location_type VARCHAR(50) CONSTRAINT ck_items_location_type CHECK (location_type IN (
        'mall', 'metro', 'airport', 'park', 'restaurant', 'hotel', 'other')),
    latitude DECIMAL(10, 8) CONSTRAINT ck_items_latitude CHECK (latitude BETWEEN -90 AND 90),
    longitude DECIMAL(11, 8) CONSTRAINT ck_items_longitude CHECK (longitude BETWEEN -180 AND 180),
    date_time TIMESTAMPTZ NOT NULL,
    contact_method VARCHAR(20) NOT NULL
        CONSTRAINT ck_items_contact_method CHECK (contact_method IN ('phone', 'email', 'in_app')),
    contact_phone VARCHAR(20),
    contact_email VARCHAR(255),
    image_embedding VECTOR(1280),
    text_embedding VECTOR(512),
    image_model VARCHAR(100),
    text_model VARCHAR(100),
    detected_objects JSONB,
    ai_category VARCHAR(50),
    ai_processed BOOLEAN NOT NULL DEFAULT FALSE,
    view_count INTEGER NOT NULL DEFAULT 0 CONSTRAINT ck_items_view_count CHECK (view_count >= 0),
    match_count INTEGER NOT NULL DEFAULT 0 CONSTRAINT ck_items_match_count CHECK (match_count >= 0),
    reported_count INTEGER NOT NULL DEFAULT 0,
    is_hidden BOOLEAN NOT NULL DEFAULT FALSE,
    search_text TEXT GENERATED ALWAYS AS (lower(
        title || ' ' || coalesce(description, '') || ' ' || coalesce(brand, '') || ' ' ||
        coalesce(color, '') || ' ' || location || ' ' || coalesce(location_detail, ''))) STORED,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT ck_items_valid_contact CHECK (
        (contact_method = 'phone' AND contact_phone IS NOT NULL) OR
        (contact_method = 'email' AND contact_email IS NOT NULL) OR
        (contact_method = 'in_app')
    ),
    CONSTRAINT ck_items_coordinates_paired CHECK ((latitude IS NULL) = (longitude IS NULL))
);
CREATE INDEX idx_items_user_id ON items(user_id);
CREATE INDEX idx_items_type ON items(type);
CREATE INDEX idx_items_status ON items(status);
CREATE INDEX idx_items_category ON items(category);
CREATE INDEX idx_items_date_time ON items(date_time DESC);
CREATE INDEX idx_items_location ON items(location);
CREATE INDEX idx_items_created_at ON items(created_at DESC);
CREATE INDEX idx_items_image_hash ON items(user_id, image_hash);
CREATE INDEX idx_items_location_geo ON items USING GIST (
    ll_to_earth(latitude::float8, longitude::float8)
) WHERE latitude IS NOT NULL AND longitude IS NOT NULL;
CREATE INDEX idx_items_search_text ON items USING GIN (search_text gin_trgm_ops);
CREATE INDEX idx_items_image_embedding ON items
    USING hnsw (image_embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
CREATE INDEX idx_items_text_embedding ON items
    USING hnsw (text_embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

CREATE TABLE item_views (
    item_id UUID NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    viewer_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (item_id, viewer_id)
);

CREATE TABLE matches (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_item_id UUID NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    matched_item_id UUID NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    similarity_score FLOAT NOT NULL
        CONSTRAINT ck_matches_similarity CHECK (similarity_score BETWEEN 0 AND 1),
    confidence VARCHAR(10) CONSTRAINT ck_matches_confidence CHECK (
        confidence IN ('high', 'medium', 'low')),
    matching_features JSONB,
    user_item_owner_viewed BOOLEAN NOT NULL DEFAULT FALSE,
    matched_item_owner_viewed BOOLEAN NOT NULL DEFAULT FALSE,
    user_item_owner_confirmed BOOLEAN DEFAULT NULL,
    matched_item_owner_confirmed BOOLEAN DEFAULT NULL,
    user_item_owner_notes TEXT,
    matched_item_owner_notes TEXT,
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CONSTRAINT ck_matches_status CHECK (
        status IN ('pending', 'contacted', 'claimed', 'rejected', 'expired')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_matches_pair UNIQUE (user_item_id, matched_item_id),
    CONSTRAINT ck_matches_distinct_items CHECK (user_item_id <> matched_item_id)
);
-- A pair is one match whichever side found it first.
CREATE UNIQUE INDEX uq_matches_unordered_pair ON matches (
    LEAST(user_item_id, matched_item_id), GREATEST(user_item_id, matched_item_id));
CREATE INDEX idx_matches_user_item_id ON matches(user_item_id);
CREATE INDEX idx_matches_matched_item_id ON matches(matched_item_id);
CREATE INDEX idx_matches_status ON matches(status);
CREATE INDEX idx_matches_created_at ON matches(created_at DESC);

CREATE TABLE notifications (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type VARCHAR(20) NOT NULL CONSTRAINT ck_notifications_type CHECK (
        type IN ('match', 'message', 'update', 'system', 'claim')),
    title VARCHAR(255) NOT NULL,
    message TEXT NOT NULL,
    item_id UUID REFERENCES items(id) ON DELETE SET NULL,
    match_id UUID REFERENCES matches(id) ON DELETE SET NULL,
    data JSONB,
    is_read BOOLEAN NOT NULL DEFAULT FALSE,
    read_at TIMESTAMPTZ,
    push_sent BOOLEAN NOT NULL DEFAULT FALSE,
    push_sent_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    expires_at TIMESTAMPTZ NOT NULL DEFAULT NOW() + INTERVAL '30 days'
);
CREATE INDEX idx_notifications_user_id ON notifications(user_id);
CREATE INDEX idx_notifications_is_read ON notifications(is_read);
CREATE INDEX idx_notifications_created_at ON notifications(created_at DESC);
CREATE INDEX idx_notifications_expires_at ON notifications(expires_at);

CREATE TABLE refresh_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family_id UUID NOT NULL,
    token_hash VARCHAR(255) NOT NULL CONSTRAINT uq_refresh_tokens_token_hash UNIQUE,
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    revoked_at TIMESTAMPTZ,
    replaced_by UUID,
    device_info JSONB,
    ip_address INET,
    user_agent TEXT
);
CREATE INDEX idx_refresh_tokens_user_id ON refresh_tokens(user_id);
CREATE INDEX idx_refresh_tokens_family_id ON refresh_tokens(family_id);
CREATE INDEX idx_refresh_tokens_expires_at ON refresh_tokens(expires_at);

CREATE TABLE audit_logs (
    id BIGSERIAL PRIMARY KEY,
    user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    action VARCHAR(50) NOT NULL,
    entity_type VARCHAR(50),
    entity_id UUID,
    ip_address INET,
    user_agent TEXT,
    request_data JSONB,
    response_status INTEGER,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_audit_logs_user_id ON audit_logs(user_id);
CREATE INDEX idx_audit_logs_action ON audit_logs(action);
CREATE INDEX idx_audit_logs_created_at ON audit_logs(created_at DESC);

CREATE TABLE device_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token VARCHAR(4096) NOT NULL CONSTRAINT uq_device_tokens_token UNIQUE,
    platform VARCHAR(10) NOT NULL
        CONSTRAINT ck_device_tokens_platform CHECK (platform IN ('ios', 'android', 'web')),
    app_version VARCHAR(32),
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_device_tokens_user_id ON device_tokens(user_id);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS device_tokens, audit_logs, refresh_tokens, notifications, matches,
    item_views, items, users CASCADE;
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
