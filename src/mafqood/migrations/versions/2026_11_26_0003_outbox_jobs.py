"""Outbox of background jobs: written in the transaction that causes them, deleted by the
worker that completes them, sent again by a periodic drain when that did not happen in time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE outbox_jobs (
            id UUID PRIMARY KEY,
            task VARCHAR(100) NOT NULL,
            payload JSONB NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            available_at TIMESTAMPTZ NOT NULL,
            last_error TEXT,
            created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
        )
        """
    )
    op.execute("CREATE INDEX idx_outbox_jobs_available_at ON outbox_jobs(available_at)")
    # Unread counts and the unread list per user.
    op.execute(
        "CREATE INDEX idx_notifications_user_unread ON notifications(user_id, created_at DESC) "
        "WHERE is_read = false"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS idx_notifications_user_unread")
    op.execute("DROP TABLE IF EXISTS outbox_jobs")
