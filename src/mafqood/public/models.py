"""A lost report sent from a venue's public page, kept aside until the address it gives is
confirmed by the mail's one-time link: only then does it become a report (and an account
without a password), so an unconfirmed one is never matched nor shown to a desk. Unconfirmed
rows are deleted once they expire (tasks.purge_web_reports)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mafqood.core.db import Base


class WebReport(Base):
    __tablename__ = "web_reports"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    venue_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5))
    full_name: Mapped[str] = mapped_column(String(255))
    # The report's fields as the app sends them (items.schemas.ItemCreate), checked already.
    form: Mapped[dict[str, Any]] = mapped_column(JSONB)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_type: Mapped[str | None] = mapped_column(String(100))
    # Only the digest of the one-time confirmation secret is kept.
    confirm_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
