"""Document facts of reports (keyed hashes of identifiers, name tokens, a card's last four),
owners' consent to be told of found documents with their name, and those notices.

Revision ID: 0019_doc_read_facts
Revises: 0018w_web_public
Create Date: 2026-12-05
"""

from mafqood.migrations.sql import execute_script

revision = "0019_doc_read_facts"
down_revision = "0018w_web_public"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE item_documents (
    item_id UUID NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    source VARCHAR(10) NOT NULL CONSTRAINT ck_item_documents_source
        CHECK (source IN ('photo', 'report')),
    kind VARCHAR(20),
    issuer VARCHAR(64),
    card_last4 VARCHAR(4) CONSTRAINT ck_item_documents_last4 CHECK (card_last4 ~ '^[0-9]{4}$'),
    identifier_last4 VARCHAR(4),
    digests TEXT[] NOT NULL DEFAULT '{}',
    name_tokens TEXT[] NOT NULL DEFAULT '{}',
    fields TEXT[] NOT NULL DEFAULT '{}',
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, source)
);
CREATE INDEX idx_item_documents_digests ON item_documents USING gin (digests);
CREATE INDEX idx_item_documents_names ON item_documents USING gin (name_tokens);
ALTER TABLE users
    ADD COLUMN document_notices BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN name_tokens TEXT[] NOT NULL DEFAULT '{}';
CREATE INDEX idx_users_document_names ON users USING gin (name_tokens)
    WHERE document_notices;
CREATE TABLE document_notices (
    item_id UUID NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, user_id)
);
CREATE INDEX idx_document_notices_user ON document_notices (user_id, created_at)
"""

DOWNGRADE = """
DROP TABLE IF EXISTS document_notices;
DROP INDEX IF EXISTS idx_users_document_names;
ALTER TABLE users DROP COLUMN IF EXISTS name_tokens, DROP COLUMN IF EXISTS document_notices;
DROP TABLE IF EXISTS item_documents
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
