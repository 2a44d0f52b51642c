"""Venues (lost-property desks), their members and invitations. Constraints live in the
migration (see 0009); the claims, handovers and disposals recorded at a desk are a found
item's life (lifecycle.models)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mafqood.core.db import Base, TimestampMixin

ROLES = ("owner", "staff")
# A venue is "pending" from its creation until a platform administrator checks that it is a
# real place holding people's property; only then are its items shown and matched.
VERIFICATION_STATES = ("pending", "verified")
# What a venue may show the public of a found item; the first four by default. Never the
# finder, the tag code, where it is stored or its hidden details.
PUBLIC_FIELDS = ("category", "color", "date", "area", "title", "brand")
DEFAULT_PUBLIC_FIELDS = ("category", "color", "date", "area")


class Venue(TimestampMixin, Base):
    """A mall, airport, metro, hotel... Its found reports belong to its desk account
    (desk_user_id), never to the staff member who posted them: the contact shown after a
    match is the desk's, and a staff member's account deletion leaves them in place."""

    __tablename__ = "venues"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    name: Mapped[str] = mapped_column(String(255))
    location: Mapped[str] = mapped_column(String(255))
    location_type: Mapped[str] = mapped_column(String(50))
    latitude: Mapped[Decimal] = mapped_column(Numeric(10, 8))
    longitude: Mapped[Decimal] = mapped_column(Numeric(11, 8))
    desk_phone: Mapped[str | None] = mapped_column(String(20))
    desk_email: Mapped[str | None] = mapped_column(String(255))
    opening_hours: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    # Days an item is held, per category; categories not listed use the defaults.
    retention_days: Mapped[dict[str, int]] = mapped_column(
        JSONB, server_default=text("'{}'::jsonb")
    )
    desk_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), unique=True)
    verification: Mapped[str] = mapped_column(String(10), server_default="pending")
    # Who verified it (None: the operator's command line, or an administrator since deleted),
    # when, and what they checked.
    verified_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    verified_at: Mapped[datetime | None]
    verification_note: Mapped[str | None] = mapped_column(Text)
    # What the venue's public page shows of each found item (PUBLIC_FIELDS), and whether it
    # shows photos (never of documents, cards or items with hidden details).
    public_fields: Mapped[list[str]] = mapped_column(
        JSONB, server_default=text('\'["category", "color", "date", "area"]\'::jsonb')
    )
    public_photos: Mapped[bool] = mapped_column(server_default=text("false"))

    @property
    def is_verified(self) -> bool:
        return self.verification == "verified"


class VenueMember(Base):
    __tablename__ = "venue_members"

    venue_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class VenueInvitation(Base):
    """An invitation mailed to an address; accepting it (signed in with that address) makes
    the account a member. Only the token's hash is stored."""

    __tablename__ = "venue_invitations"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    venue_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
