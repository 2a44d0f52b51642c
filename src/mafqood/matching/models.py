from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mafqood.core.db import Base, TimestampMixin


class Match(TimestampMixin, Base):
    """A candidate pair of one lost and one found report; one row per pair, seen by both owners."""

    __tablename__ = "matches"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    matched_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    similarity_score: Mapped[float]
    confidence: Mapped[str | None] = mapped_column(String(10))
    matching_features: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    user_item_owner_viewed: Mapped[bool] = mapped_column(server_default=text("false"))
    matched_item_owner_viewed: Mapped[bool] = mapped_column(server_default=text("false"))
    user_item_owner_confirmed: Mapped[bool | None]
    matched_item_owner_confirmed: Mapped[bool | None]
    user_item_owner_notes: Mapped[str | None] = mapped_column(Text)
    matched_item_owner_notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), server_default="pending")
