"""Messages: one thread per match (its two sides) and one per claim (the claimant and the
finder side), each message numbered within its thread (the `since` cursor), sent at most once
per client-supplied id; who read how far; reports of messages for moderation.

Revision ID: 0016_message_threads
Revises: 0015_described_lost_wm
Create Date: 2026-12-05
"""

from mafqood.migrations.sql import execute_script

revision = "0016_message_threads"
down_revision = "0015_described_lost_wm"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE message_threads (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    match_id UUID UNIQUE REFERENCES matches(id) ON DELETE CASCADE,
    claim_id UUID UNIQUE REFERENCES claims(id) ON DELETE CASCADE,
    last_seq BIGINT NOT NULL DEFAULT 0,
    last_message_at TIMESTAMPTZ,
    blocked_by UUID REFERENCES users(id) ON DELETE SET NULL,
    blocked_side VARCHAR(6)
        CONSTRAINT ck_message_threads_blocked_side CHECK (blocked_side IN ('owner', 'finder')),
    blocked_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT ck_message_threads_one_subject CHECK ((match_id IS NULL) <> (claim_id IS NULL))
);
CREATE TABLE messages (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    thread_id UUID NOT NULL REFERENCES message_threads(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    sender_id UUID REFERENCES users(id) ON DELETE SET NULL,
    sender_side VARCHAR(6) NOT NULL
        CONSTRAINT ck_messages_sender_side CHECK (sender_side IN ('owner', 'finder')),
    client_id VARCHAR(64),
    body TEXT NOT NULL,
    photo_keys TEXT[] NOT NULL DEFAULT '{}',
    removed_at TIMESTAMPTZ,
    deleted_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT uq_messages_thread_seq UNIQUE (thread_id, seq)
);
CREATE UNIQUE INDEX uq_messages_client_id ON messages (thread_id, sender_id, client_id)
    WHERE client_id IS NOT NULL;
CREATE INDEX idx_messages_sender ON messages (sender_id, created_at);
CREATE TABLE message_reads (
    thread_id UUID NOT NULL REFERENCES message_threads(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    last_read_seq BIGINT NOT NULL DEFAULT 0,
    read_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX idx_message_reads_user ON message_reads (user_id);
CREATE TABLE message_reports (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    message_id UUID NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    reporter_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason VARCHAR(20) NOT NULL CONSTRAINT ck_message_reports_reason CHECK (
        reason IN ('spam', 'inappropriate', 'fraud', 'offensive', 'personal_info', 'other')
    ),
    details TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    reviewed_at TIMESTAMPTZ,
    CONSTRAINT uq_message_reports_once UNIQUE (message_id, reporter_id)
);
CREATE INDEX idx_message_reports_pending ON message_reports (created_at)
    WHERE reviewed_at IS NULL
"""

DOWNGRADE = """
DROP TABLE IF EXISTS message_reports;
DROP TABLE IF EXISTS message_reads;
DROP TABLE IF EXISTS messages;
DROP TABLE IF EXISTS message_threads
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
