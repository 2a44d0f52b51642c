"""The admin statistics (and their Prometheus gauges) count registrations, logins and match
answers over a period: indexes on when users and refresh tokens were created and on when a
match was last answered keep each count a range scan instead of a read of the whole table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX idx_users_created_at ON users(created_at)")
    op.execute("CREATE INDEX idx_refresh_tokens_created_at ON refresh_tokens(created_at)")
    op.execute("CREATE INDEX idx_matches_updated_at ON matches(updated_at)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS idx_matches_updated_at")
    op.execute("DROP INDEX IF EXISTS idx_refresh_tokens_created_at")
    op.execute("DROP INDEX IF EXISTS idx_users_created_at")
