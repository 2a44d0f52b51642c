"""A report's place kept as an earthdistance point: browsing near a place compared every
report there through ll_to_earth(latitude, longitude), computed again for each row; a stored
column with its own GiST index replaces the expression index.

Revision ID: 0014_items_earth_point
Revises: 0013_venue_verification
Create Date: 2026-12-05
"""

from mafqood.migrations.sql import execute_script

revision = "0014_items_earth_point"
down_revision = "0013_venue_verification"
branch_labels = None
depends_on = None

UPGRADE = """
ALTER TABLE items ADD COLUMN earth_point earth
    GENERATED ALWAYS AS (ll_to_earth(latitude::double precision, longitude::double precision))
    STORED;
CREATE INDEX idx_items_earth_point ON items USING gist (earth_point)
    WHERE earth_point IS NOT NULL;
DROP INDEX IF EXISTS idx_items_location_geo
"""

DOWNGRADE = """
CREATE INDEX idx_items_location_geo ON items
    USING gist (ll_to_earth(latitude::float8, longitude::float8))
    WHERE latitude IS NOT NULL AND longitude IS NOT NULL;
DROP INDEX IF EXISTS idx_items_earth_point;
ALTER TABLE items DROP COLUMN IF EXISTS earth_point
"""


def upgrade() -> None:
    execute_script(UPGRADE)


def downgrade() -> None:
    execute_script(DOWNGRADE)
