"""The rows of a found item's life: its matches with lost reports, the claims on it, its
handover or disposal. Statuses are stored as the strings of lifecycle.statuses. Constraints
live in the migrations (see 0001 and 0009)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, func, text
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


class Claim(TimestampMixin, Base):
    """Someone says a found item is theirs and answers the finder's hidden questions."""

    __tablename__ = "claims"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    claimant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The claimant's own lost report, when the claim comes from a match.
    lost_item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL")
    )
    answers: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), server_default="pending")
    # Filed while the item drew many claims from other accounts: the desk checks it with
    # particular care (lifecycle/claims.py).
    held_for_review: Mapped[bool] = mapped_column(server_default=text("false"))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]


class Handover(Base):
    """Who collected an item, when, from whom, and how they proved who they are (ID type and
    its last four characters only: never a full document number)."""

    __tablename__ = "handovers"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), unique=True
    )
    claim_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("claims.id", ondelete="SET NULL"))
    collected_by_name: Mapped[str] = mapped_column(String(255))
    collected_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    collected_at: Mapped[datetime]
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    id_checked: Mapped[bool]
    id_type: Mapped[str | None] = mapped_column(String(30))
    id_last4: Mapped[str | None] = mapped_column(String(4))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Disposal(Base):
    """What became of an item held past its retention period. The item row stays (closed)."""

    __tablename__ = "disposals"

    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    venue_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
