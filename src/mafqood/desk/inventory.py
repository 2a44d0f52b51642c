"""A desk's inventory: the venue's items with search and filters, one of them, and where it
is kept.

Each use case takes the unit of work, the account acting and its command, and answers "not
found" to anyone who is not a member of the venue, exactly as for a missing venue.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select

from mafqood.core.errors import NotFound
from mafqood.core.pagination import Page, Pagination
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.desk.schemas import VenueItemUpdate
from mafqood.documents.models import ItemDocument
from mafqood.items.analysis_queue import enqueue_analysis
from mafqood.items.models import Item
from mafqood.items.service import escape_like, newest_first_page
from mafqood.lifecycle.models import Claim, Match
from mafqood.users.models import User
from mafqood.venues import access
from mafqood.venues.access import Membership
from mafqood.venues.models import Venue


@dataclass(frozen=True)
class InventoryFilters:
    query: str | None = None
    status: str | None = None
    category: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    storage_location: str | None = None
    has_matches: bool | None = None


@dataclass(frozen=True)
class BrowseInventory:
    venue_id: uuid.UUID
    filters: InventoryFilters
    page: Page


@dataclass(frozen=True)
class ItemRef:
    venue_id: uuid.UUID
    item_id: uuid.UUID


@dataclass(frozen=True)
class EditItem:
    venue_id: uuid.UUID
    item_id: uuid.UUID
    changes: VenueItemUpdate


@dataclass(frozen=True)
class InventoryPage:
    venue: Venue
    # Each item with its number of pending claims.
    items: list[tuple[Item, int]]
    pagination: Pagination


@dataclass(frozen=True)
class HeldItem:
    membership: Membership
    item: Item
    pending_claims: int


async def browse(uow: UnitOfWork, actor: User, command: BrowseInventory) -> InventoryPage:
    """The venue's items, newest first."""
    venue = await access.member_venue(uow, command.venue_id, actor)
    page = command.page
    items, total = await _search(uow, venue, command.filters, page.number, page.size)
    claims = await pending_claims(uow, items)
    return InventoryPage(
        venue, [(item, claims.get(item.id, 0)) for item in items], page.answer(total)
    )


async def find_item(uow: UnitOfWork, actor: User, command: ItemRef) -> tuple[Membership, Item]:
    """One of the venue's items; another venue's (or a person's) is not found."""
    membership = await access.membership(uow, command.venue_id, actor)
    item = await uow.get(Item, command.item_id)
    if item is None or item.venue_id != membership.venue.id:
        raise NotFound()
    return membership, item


async def held_item(uow: UnitOfWork, actor: User, command: ItemRef) -> HeldItem:
    membership, item = await find_item(uow, actor, command)
    claims = await pending_claims(uow, [item])
    return HeldItem(membership, item, claims.get(item.id, 0))


async def edit_item(uow: UnitOfWork, actor: User, command: EditItem) -> Item:
    """Move an item (its storage place) or change its hidden control details; only the
    fields sent change."""
    _, item = await find_item(uow, actor, ItemRef(command.venue_id, command.item_id))
    for field, value in command.changes.model_dump(exclude_unset=True).items():
        setattr(item, field, value)
    item.updated_at = func.now()
    await uow.flush()
    await uow.refresh(item)
    return item


async def read_as_document(uow: UnitOfWork, actor: User, command: ItemRef) -> Item:
    """Staff correct an item's category to "documents" and have its photo read again (a
    vision worker reads it as a document: identifiers, names)."""
    _, item = await find_item(uow, actor, command)
    item.category, item.category_given = "documents", True
    item.analysis_status, item.analysis_error = "pending", None
    item.updated_at = func.now()
    enqueue_analysis(uow, item.id)
    await uow.flush()
    await uow.refresh(item)
    return item


async def document_reading(uow: UnitOfWork, actor: User, command: ItemRef) -> ItemDocument | None:
    """What was read on the item's photo, for its venue's staff: kind, issuer, which fields,
    the identifier's last four characters (the rest is kept only as a hash)."""
    _, item = await find_item(uow, actor, command)
    return await uow.get(ItemDocument, (item.id, "photo"))


async def pending_claims(session: UnitOfWork, items: list[Item]) -> dict[uuid.UUID, int]:
    if not items:
        return {}
    rows = await session.execute(
        select(Claim.item_id, func.count())
        .where(Claim.item_id.in_([item.id for item in items]), Claim.status == "pending")
        .group_by(Claim.item_id)
    )
    return {item_id: count for item_id, count in rows}


async def _search(
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
