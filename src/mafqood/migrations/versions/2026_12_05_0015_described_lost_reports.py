"""Lost reports without a photo: people rarely have a photo of what they lost, so a lost
report may be sent with its description alone and is matched by it. A found report still
always has a photo (the desk or the finder has the object in hand).

Revision ID: 0015_described_lost_wm
Revises: 0014_items_earth_point
Create Date: 2026-12-05
"""

from mafqood.migrations.sql import execute_script

revision = "0015_described_lost_wm"
down_revision = "0014_items_earth_point"
branch_labels = None
depends_on = None

UPGRADE = """
ALTER TABLE items ALTER COLUMN image_url DROP NOT NULL;
ALTER TABLE items ADD CONSTRAINT ck_items_found_has_photo
    CHECK (image_url IS NOT NULL OR type = 'lost')
"""

# The column was NOT NULL before: photo-less reports keep an empty URL rather than vanish.
DOWNGRADE = """
ALTER TABLE items DROP CONSTRAINT IF EXISTS ck_items_found_has_photo;
UPDATE items SET image_url = '' WHERE image_url IS NULL;
ALTER TABLE items ALTER COLUMN image_url SET NOT NULL
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
