"""Several photos per report: item_photos (position 0 is the main photo the items row also
carries), each with its own image vector and local features; existing reports get their
photo as position 0.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from mafqood.migrations.sql import execute_script

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE item_photos (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    item_id UUID NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER NOT NULL CONSTRAINT ck_item_photos_position CHECK (position BETWEEN 0 AND 4),
    image_key VARCHAR(255) NOT NULL,
    image_hash VARCHAR(64),
    image_embedding VECTOR(1280),
    local_features BYTEA,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT uq_item_photos_position UNIQUE (item_id, position)
);
CREATE INDEX idx_item_photos_image_key ON item_photos(image_key);
CREATE INDEX idx_item_photos_image_embedding ON item_photos
    USING hnsw (image_embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)
    WHERE position > 0;
INSERT INTO item_photos (item_id, position, image_key, image_hash, image_embedding,
                         local_features, created_at)
    SELECT id, 0, image_key, image_hash, image_embedding, local_features, created_at
    FROM items WHERE image_key IS NOT NULL
"""

DOWNGRADE = """
DROP TABLE IF EXISTS item_photos
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
