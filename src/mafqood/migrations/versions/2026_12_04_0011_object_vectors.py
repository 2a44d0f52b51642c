"""Object-centred vectors: for each photo of a report, the image vector of its central crops
(vision/pipeline.OBJECT_CROPS), searched beside the whole photo's vector so that the item, not
the venue's desk, brings it into the candidates.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from mafqood.migrations.sql import execute_script

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE item_object_vectors (
    item_id UUID NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position INTEGER NOT NULL CONSTRAINT ck_item_object_vectors_position
        CHECK (position BETWEEN 0 AND 4),
    crop REAL NOT NULL,
    embedding VECTOR(1280) NOT NULL,
    CONSTRAINT pk_item_object_vectors PRIMARY KEY (item_id, position, crop)
);
CREATE INDEX idx_item_object_vectors_embedding ON item_object_vectors
    USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)
"""

DOWNGRADE = """
DROP TABLE IF EXISTS item_object_vectors
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
