from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column

from mafqood.core.db import Base

REPORT_REASONS = ("spam", "inappropriate", "fraud", "offensive", "personal_info", "other")


class ItemReport(Base):
    """One user's report of an item; a user reports an item at most once. Constraints live in
    the migration (see 0004)."""

    __tablename__ = "item_reports"
    __table_args__ = (UniqueConstraint("item_id", "reporter_id"),)

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Set when a moderator has looked at the item; reviewed reports no longer count towards
    # hiding it again.
    reviewed_at: Mapped[datetime | None]
