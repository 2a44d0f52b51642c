from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    REAL,
    Computed,
    ForeignKey,
    LargeBinary,
    Numeric,
    String,
    Text,
    column,
    func,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, column_property, deferred, mapped_column, relationship
from sqlalchemy.types import UserDefinedType

from mafqood.core.db import Base, TimestampMixin

IMAGE_EMBEDDING_DIM = 1280
TEXT_EMBEDDING_DIM = 512
ANALYSIS_STATES = ("pending", "done", "failed")
MAX_PHOTOS = 5

# The matches table by name only (lifecycle imports items, not the other way round).
_matches = table("matches", column("user_item_id"), column("matched_item_id"))
# The venues table by name only, likewise (venues imports items).
_venues = table("venues", column("id"), column("verification"))


class EarthPoint(UserDefinedType[Any]):
    """earthdistance's `earth` type; only compared in SQL, never read into Python."""

    cache_ok = True

    def get_col_spec(self, **_: Any) -> str:
        return "earth"


class Item(TimestampMixin, Base):
    """A lost or found report. Constraints live in the migration (see 0001)."""

    __tablename__ = "items"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), server_default="open")

    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(50))
    # False when the app sent no category: the photo's analysis chooses it.
    category_given: Mapped[bool] = mapped_column(server_default=text("true"))
    brand: Mapped[str | None] = mapped_column(String(100))
    color: Mapped[str | None] = mapped_column(String(50))

    # None for a lost report sent without a photo (matched by its description alone).
    image_url: Mapped[str | None] = mapped_column(String(512))
    thumbnail_url: Mapped[str | None] = mapped_column(String(512))
    # Storage key prefix of the photo and its thumbnails, so that deletion finds them all.
    image_key: Mapped[str | None] = mapped_column(String(255))
    image_hash: Mapped[str | None] = mapped_column(String(64))

    location: Mapped[str] = mapped_column(String(255))
    location_detail: Mapped[str | None] = mapped_column(Text)
    location_type: Mapped[str | None] = mapped_column(String(50))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(10, 8))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(11, 8))
    date_time: Mapped[datetime]

    contact_method: Mapped[str] = mapped_column(String(20))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str | None] = mapped_column(String(255))

    image_embedding: Mapped[Any] = mapped_column(Vector(IMAGE_EMBEDDING_DIM), nullable=True)
    text_embedding: Mapped[Any] = mapped_column(Vector(TEXT_EMBEDDING_DIM), nullable=True)
    image_model: Mapped[str | None] = mapped_column(String(100))
    text_model: Mapped[str | None] = mapped_column(String(100))
    detected_objects: Mapped[Any] = mapped_column(JSONB, nullable=True)
    ai_category: Mapped[str | None] = mapped_column(String(50))
    # The photo is confidently something other than the chosen category.
    category_conflict: Mapped[bool] = mapped_column(server_default=text("false"))
    # pending until a vision worker has analysed the photo and looked for matches; failed
    # (with a reason code) when the photo cannot be analysed.
    analysis_status: Mapped[str] = mapped_column(String(10), server_default="pending")
    analysis_error: Mapped[str | None] = mapped_column(String(50))
    analysed_at: Mapped[datetime | None]
    # Compact keypoints + descriptors (see vision), deferred: only matching reads them.
    local_features: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    view_count: Mapped[int] = mapped_column(server_default="0")
    # Counted rather than stored: a stored counter that every new match updates on both
    # items made concurrent reports of one object deadlock. Two index-only counts.
    match_count: Mapped[int] = column_property(
        select(func.count())
        .select_from(_matches)
        .where(_matches.c.user_item_id == id)
        .correlate_except(_matches)
        .scalar_subquery()
        + select(func.count())
        .select_from(_matches)
        .where(_matches.c.matched_item_id == id)
        .correlate_except(_matches)
        .scalar_subquery(),
        # Loaded with the row (and by refresh); not reloaded lazily, which async cannot do.
        expire_on_flush=False,
    )
    # Found reports held at a venue's desk (see venues): its short tag code, where it is
    # kept, and private details only the finder side sees (what only the owner would know).
    venue_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("venues.id"))
    tag_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    storage_location: Mapped[str | None] = mapped_column(String(255))
    control_details: Mapped[str | None] = mapped_column(Text)
    # Whether the venue holding the item is verified: None for a person's report. A pending
    # venue's items are neither shown to the public nor matched (filter with
    # `Item.venue_verified.is_not(False)`). Loaded with the row, like match_count.
    venue_verified: Mapped[bool | None] = column_property(
        select(_venues.c.verification == "verified")
        .where(_venues.c.id == venue_id)
        .correlate_except(_venues)
        .scalar_subquery(),
        expire_on_flush=False,
    )

    reported_count: Mapped[int] = mapped_column(server_default="0")
    is_hidden: Mapped[bool] = mapped_column(server_default=text("false"))

    # All photos, main first; loaded with the row (one query per batch of rows), read-only
    # here: items/photos.py adds and removes them.
    photos: Mapped[list[ItemPhoto]] = relationship(
        lazy="selectin", order_by="ItemPhoto.position", viewonly=True
    )

    search_text: Mapped[str] = mapped_column(
        Text,
        Computed(
            "lower(title || ' ' || coalesce(description, '') || ' ' || coalesce(brand, '') || ' '"
            " || coalesce(color, '') || ' ' || location || ' ' || coalesce(location_detail, ''))",
            persisted=True,
        ),
    )

    # The report's place as a point of earthdistance's `earth` (a cube), kept with the row
    # and indexed: browsing near a venue that holds thousands of reports tests each one
    # against the place, and computing ll_to_earth for every row then cost more than the rest.
    earth_point: Mapped[Any] = deferred(
        mapped_column(
            EarthPoint(),
            Computed(
                "ll_to_earth(latitude::double precision, longitude::double precision)",
                persisted=True,
            ),
        )
    )


class ItemPhoto(Base):
    """One photo of a report (up to MAX_PHOTOS): the front, the back, a detail. Position 0
    is the report's main photo, whose analysis the items row also carries (image_url,
    image_embedding, local_features: what the app and the first search stage read)."""

    __tablename__ = "item_photos"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    position: Mapped[int]
    image_key: Mapped[str] = mapped_column(String(255))
    image_hash: Mapped[str | None] = mapped_column(String(64))
    # The analysis saw a document or card in this view; with the report's category, this
    # decides whether others see the view masked (items/photo_access.py).
    shows_document: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # Base key of the masked copy a vision worker made (matching/redaction.py); None until then.
    redacted_key: Mapped[str | None] = mapped_column(String(255), default=None)
    # Deferred: only analysis and matching read them, never a listing.
    image_embedding: Mapped[Any] = mapped_column(
        Vector(IMAGE_EMBEDDING_DIM), nullable=True, deferred=True
    )
    local_features: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ItemObjectVector(Base):
    """The vector of one object-centred crop of one photo (vision/pipeline.OBJECT_CROPS):
    written by the analysis, read only by the candidate search."""

    __tablename__ = "item_object_vectors"

    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    crop: Mapped[float] = mapped_column(REAL, primary_key=True)
    embedding: Mapped[Any] = mapped_column(Vector(IMAGE_EMBEDDING_DIM))


class ItemView(Base):
    """Who has viewed an item, so view_count counts each viewer once."""

    __tablename__ = "item_views"

    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    viewer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
