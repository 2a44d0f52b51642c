"""Reports are analysed by vision workers after they are stored: their analysis state, the
category the photo may still choose, and match counts derived from the matches themselves.

match_count was a counter that every new match updated on both items under row locks:
concurrent reports of the same object deadlocked on it. It is now counted (two index scans).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE items
            ADD COLUMN analysis_status VARCHAR(10) NOT NULL DEFAULT 'pending'
                CONSTRAINT ck_items_analysis_status
                CHECK (analysis_status IN ('pending', 'done', 'failed')),
            ADD COLUMN analysis_error VARCHAR(50),
            ADD COLUMN analysed_at TIMESTAMPTZ,
            ADD COLUMN category_given BOOLEAN NOT NULL DEFAULT TRUE
        """
    )
    op.execute(
        "UPDATE items SET analysis_status = 'done', analysed_at = updated_at WHERE ai_processed"
    )
    op.execute("ALTER TABLE items DROP COLUMN ai_processed, DROP COLUMN match_count")
    # The sweep and the backlog metrics look for the oldest reports still waiting.
    op.execute(
        "CREATE INDEX idx_items_analysis_pending ON items(created_at)"
        " WHERE analysis_status = 'pending'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS idx_items_analysis_pending")
    op.execute(
        """
        ALTER TABLE items
            ADD COLUMN ai_processed BOOLEAN NOT NULL DEFAULT FALSE,
            ADD COLUMN match_count INTEGER NOT NULL DEFAULT 0
        """
    )
    op.execute("UPDATE items SET ai_processed = (analysis_status = 'done')")
    op.execute(
        "UPDATE items SET match_count = (SELECT count(*) FROM matches"
        " WHERE matches.user_item_id = items.id OR matches.matched_item_id = items.id)"
    )
    op.execute(
        "ALTER TABLE items DROP COLUMN analysis_status, DROP COLUMN analysis_error,"
        " DROP COLUMN analysed_at, DROP COLUMN category_given"
    )
