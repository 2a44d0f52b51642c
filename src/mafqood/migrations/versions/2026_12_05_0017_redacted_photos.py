"""Masked copies of photos of documents: whether the analysis saw a document in a view, and
the storage key of the view's masked copy (its text, identifiers and faces painted over),
shown to everyone but the item's holders and an approved claimant. Intake's photos get the
row every other report's photo has, and reports of documents already analysed are queued for
masking.

Revision ID: 0017_redacted_document_photos
Revises: 0016_message_threads
Create Date: 2026-12-05
"""

from mafqood.migrations.sql import execute_script

revision = "0017_redacted_document_photos"
down_revision = "0016_message_threads"
branch_labels = None
depends_on = None

UPGRADE = """
ALTER TABLE item_photos
    ADD COLUMN shows_document BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN redacted_key VARCHAR(255);
-- Desk intake stored a main photo without its row until now: the row is what gets masked.
INSERT INTO item_photos (item_id, position, image_key, image_hash, image_embedding,
                         local_features, created_at)
    SELECT id, 0, image_key, image_hash, image_embedding, local_features, created_at
    FROM items
    WHERE image_key IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM item_photos WHERE item_photos.item_id = items.id);
-- Reports of documents analysed before masking existed: a masking job each, which the
-- outbox drain sends (their photos also move to keys that cannot be guessed).
INSERT INTO outbox_jobs (id, task, payload, available_at)
    SELECT gen_random_uuid(), 'mafqood.redact_photos', jsonb_build_object('item_id', id::text),
           now()
    FROM items
    WHERE analysis_status <> 'pending'
      AND (category IN ('id', 'documents') OR ai_category IN ('id', 'documents'))
"""

DOWNGRADE = """
DELETE FROM outbox_jobs WHERE task = 'mafqood.redact_photos';
ALTER TABLE item_photos
    DROP COLUMN IF EXISTS redacted_key,
    DROP COLUMN IF EXISTS shows_document
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
