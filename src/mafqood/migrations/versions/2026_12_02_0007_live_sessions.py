"""Access tokens name their login (refresh-token family), and every authenticated request
checks that the login still has an unrevoked refresh token. A partial index over the live
tokens makes that one probe, however many times the login has rotated; the full family index
it replaces served only queries that also ask for unrevoked tokens.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX idx_refresh_tokens_live_family ON refresh_tokens(family_id)"
        " WHERE revoked_at IS NULL"
    )
    op.execute("DROP INDEX IF EXISTS idx_refresh_tokens_family_id")


def downgrade() -> None:
    op.execute("CREATE INDEX idx_refresh_tokens_family_id ON refresh_tokens(family_id)")
    op.execute("DROP INDEX IF EXISTS idx_refresh_tokens_live_family")
