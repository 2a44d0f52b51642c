from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, column, func, select, table, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, column_property, mapped_column

from mafqood.core.db import Base, TimestampMixin

# Items and venues by name only: both domains sit above notifications.
_items = table("items", column("id"), column("venue_id"))
_venues = table("venues", column("id"), column("verification"))


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    match_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("matches.id", ondelete="SET NULL")
    )
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # About a venue's item: whether that venue is verified (None otherwise); read with the row.
    venue_verified: Mapped[bool | None] = column_property(
        select(_venues.c.verification == "verified")
        .select_from(_items.join(_venues, _venues.c.id == _items.c.venue_id))
        .where(_items.c.id == item_id)
        .correlate_except(_items, _venues)
        .scalar_subquery(),
        expire_on_flush=False,
    )
    is_read: Mapped[bool] = mapped_column(server_default=text("false"))
    read_at: Mapped[datetime | None]
    push_sent: Mapped[bool] = mapped_column(server_default=text("false"))
    push_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(server_default=text("now() + interval '30 days'"))


class DeviceToken(TimestampMixin, Base):
    """A phone's push token; one row per token, moved to whoever registered it last."""

    __tablename__ = "device_tokens"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(4096), unique=True)
    platform: Mapped[str] = mapped_column(String(10))
    app_version: Mapped[str | None] = mapped_column(String(32))
    last_seen_at: Mapped[datetime] = mapped_column(server_default=func.now())
