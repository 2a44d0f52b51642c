"""A desk's inventory: search and filters over the venue's items."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select

from mafqood.core.errors import NotFound
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.items.service import escape_like, newest_first_page
from mafqood.lifecycle.models import Claim, Match
from mafqood.venues.models import Venue
from mafqood.venues.schemas import VenueItemUpdate


@dataclass(frozen=True)
class InventoryFilters:
    query: str | None = None
    status: str | None = None
    category: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    storage_location: str | None = None
    has_matches: bool | None = None


async def search(
    session: UnitOfWork, venue: Venue, filters: InventoryFilters, page: int, page_size: int
) -> tuple[list[Item], int]:
    statement = select(Item).where(Item.venue_id == venue.id)
    if filters.query:
        # Every word in the title, description, brand, colour or place; or the tag code as
        # typed, with or without its dash.
        terms = filters.query.lower().split()[:8]
        code = filters.query.strip().upper().replace("-", "")
        statement = statement.where(
            or_(
                func.replace(Item.tag_code, "-", "") == code,
                and_(*(Item.search_text.ilike(f"%{escape_like(term)}%") for term in terms)),
            )
        )
    if filters.status:
        statement = statement.where(Item.status == filters.status)
    if filters.category:
        statement = statement.where(Item.category == filters.category)
    if filters.date_from:
        statement = statement.where(Item.date_time >= filters.date_from)
    if filters.date_to:
        statement = statement.where(Item.date_time <= filters.date_to)
    if filters.storage_location:
        pattern = f"%{escape_like(filters.storage_location.strip())}%"
        statement = statement.where(Item.storage_location.ilike(pattern))
    if filters.has_matches is not None:
        matched = exists().where(
            or_(Match.user_item_id == Item.id, Match.matched_item_id == Item.id)
        )
        statement = statement.where(matched if filters.has_matches else ~matched)
    return await newest_first_page(session, statement, page, page_size)


async def venue_item(session: UnitOfWork, venue: Venue, item_id: uuid.UUID) -> Item:
    """One of the venue's items; another venue's (or a person's) is not found."""
    item = await session.get(Item, item_id)
    if item is None or item.venue_id != venue.id:
        raise NotFound()
    return item


async def pending_claims(session: UnitOfWork, items: list[Item]) -> dict[uuid.UUID, int]:
    if not items:
        return {}
    rows = await session.execute(
        select(Claim.item_id, func.count())
        .where(Claim.item_id.in_([item.id for item in items]), Claim.status == "pending")
        .group_by(Claim.item_id)
    )
    return {item_id: count for item_id, count in rows}


async def update(session: UnitOfWork, item: Item, data: VenueItemUpdate) -> Item:
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(item, field, value)
    item.updated_at = func.now()
    await session.flush()
    await session.refresh(item)
    return item
