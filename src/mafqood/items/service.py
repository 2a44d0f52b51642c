"""Lost and found reports: creation, visibility, history, browsing and deletion (a report's
status is a found item's life: lifecycle)."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, bindparam, func, literal, select
from sqlalchemy.dialects.postgresql import BIT, insert
from sqlalchemy.orm import defer
from sqlalchemy.orm.util import AliasedClass
from sqlalchemy.sql.base import ExecutableOption

from mafqood.audit import service as audit
from mafqood.core.errors import FieldError, NotFound
from mafqood.core.middleware import current_client
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.documents import facts as documents
from mafqood.documents.models import ItemDocument
from mafqood.items import listing
from mafqood.items.listing import ListedItem
from mafqood.items.models import Item, ItemView
from mafqood.items.schemas import ItemCreate
from mafqood.photos.service import StoredPhoto, photo_keys, photo_urls
from mafqood.storage import Storage
from mafqood.users.models import User

# A photo this close (of 64 bits) to one of the user's open reports is the same photo.
DUPLICATE_HASH_DISTANCE = 4


def check_contact(data: ItemCreate) -> None:
    if data.contact_method == "phone" and not data.contact_phone:
        raise FieldError("contact_phone", "contact_required", method="phone")
    if data.contact_method == "email" and not data.contact_email:
        raise FieldError("contact_email", "contact_required", method="email")
    if (data.latitude is None) != (data.longitude is None):
        missing = "longitude" if data.longitude is None else "latitude"
        raise FieldError(missing, "coordinates_paired")


async def find_duplicate(session: UnitOfWork, user_id: uuid.UUID, image_hash: str) -> Item | None:
    """One of the user's open reports with (nearly) this photo. Compared in the database, so a
    venue with thousands of reports does not load them all for each upload."""
    as_bits = func.cast(literal("x") + Item.image_hash, BIT(64))
    distance = func.bit_count(as_bits.op("#")(func.cast(literal("x" + image_hash), BIT(64))))
    rows = await session.execute(
        select(Item)
        .where(
            Item.user_id == user_id,
            Item.status == "open",
            Item.image_hash.is_not(None),
            distance <= DUPLICATE_HASH_DISTANCE,
        )
        .limit(1)
    )
    return rows.scalar_one_or_none()


async def create_item(
    session: UnitOfWork,
    storage: Storage,
    owner: User,
    item_id: uuid.UUID,
    kind: str,
    data: ItemCreate,
    stored: StoredPhoto | None,
) -> Item:
    """The report as sent, "pending" until a vision worker has analysed it (see
    matching/processing.py). Without a category (the app in users' hands sends none) it is
    "other" until the photo's analysis chooses one. Only a lost report may come without a
    photo (stored None): it is matched by its description."""
    if stored is None and kind != "lost":
        raise FieldError("image", "missing")
    image_url = thumbnail_url = None
    if stored is not None:
        image_url, thumbnail_url, _ = photo_urls(storage, stored.key)
    item = Item(
        id=item_id,
        user_id=owner.id,
        type=kind,
        title=data.title,
        description=data.description,
        category=data.category or "other",
        category_given=data.category is not None,
        brand=data.brand,
        color=data.color,
        image_url=image_url,
        thumbnail_url=thumbnail_url,
        image_key=stored.key if stored is not None else None,
        image_hash=stored.photo.perceptual_hash if stored is not None else None,
        location=data.location,
        location_detail=data.location_detail,
        location_type=data.location_type,
        latitude=Decimal(str(round(data.latitude, 8))) if data.latitude is not None else None,
        longitude=Decimal(str(round(data.longitude, 8))) if data.longitude is not None else None,
        date_time=data.date_time,
        contact_method=data.contact_method,
        contact_phone=data.contact_phone,
        contact_email=data.contact_email,
        # A lost report has nothing to keep from a claimant: the field is ignored there.
        control_details=data.control_details if kind == "found" else None,
    )
    session.add(item)
    await session.flush()
    await session.refresh(item)
    return item


def state_document(
    session: UnitOfWork, item: Item, data: ItemCreate, secrets: Sequence[str]
) -> None:
    """Keep what a lost report states of its document, as matching needs it (hashes,
    tokens, a card's last four); the number and name as written are dropped here."""
    if item.type != "lost":
        return
    facts = documents.stated(data.document_number, data.document_name, secrets)
    if facts is None:
        return
    session.add(ItemDocument.of(item.id, "report", facts))


async def get_item(session: UnitOfWork, item_id: uuid.UUID) -> Item:
    item = await session.get(Item, item_id)
    if item is None:
        raise NotFound("not_found")
    return item


async def get_visible_item(session: UnitOfWork, item_id: uuid.UUID, viewer: User | None) -> Item:
    """An item the viewer may see: their own, or anyone's that is not hidden by moderation.
    Anything else is "not found", so that its existence does not leak."""
    item = await session.get(Item, item_id)
    if item is None or (item.is_hidden and (viewer is None or viewer.id != item.user_id)):
        raise NotFound("not_found")
    return item


async def get_owned_item(session: UnitOfWork, item_id: uuid.UUID, owner: User) -> Item:
    """Someone else's item answers 404, exactly like a missing one."""
    item = await session.get(Item, item_id, with_for_update=True)
    if item is None or item.user_id != owner.id:
        raise NotFound("not_found")
    return item


async def count_view(session: UnitOfWork, item: Item, viewer: User | None) -> None:
    """Each signed-in viewer counts once; owners and anonymous readers do not count."""
    if viewer is None or viewer.id == item.user_id:
        return
    inserted = await session.execute(
        insert(ItemView)
        .values(item_id=item.id, viewer_id=viewer.id)
        .on_conflict_do_nothing()
        .returning(ItemView.item_id)
    )
    if inserted.first() is not None:
        item.view_count = Item.view_count + 1
        await session.flush()
        await session.refresh(item, ["view_count", "updated_at"])


async def delete_own_item(
    session: UnitOfWork, owner: User, item_id: uuid.UUID, storage: Storage
) -> None:
    """The owner deletes their report."""
    await delete_item(session, storage, await get_owned_item(session, item_id, owner))


async def delete_item(
    session: UnitOfWork, storage: Storage, item: Item, *, deleted_by: uuid.UUID | None = None
) -> None:
    """Delete the row now and the photos once that is committed (never the other way round:
    a failed commit must not leave an item without its photo). deleted_by: who, when not the
    owner (a moderator); the deletion is audited with the caller's address."""
    bases = (
        {view.image_key for view in item.photos}
        | {view.redacted_key for view in item.photos if view.redacted_key}
        | ({item.image_key} if item.image_key else set())
    )
    keys = [key for base in sorted(bases) for key in photo_keys(base)]
    audit.record(
        session,
        "item_deleted",
        current_client(),
        user_id=deleted_by or item.user_id,
        entity_type="item",
        entity_id=item.id,
        data={"type": item.type, "title": item.title},
    )
    await session.delete(item)
    await session.flush()
    if keys:

        async def remove_files() -> None:
            await storage.delete(keys)

        session.after_commit(remove_files)


@dataclass(frozen=True)
class BrowseFilters:
    type: str | None = None
    category: str | None = None
    query: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    near: tuple[float, float] | None = None
    radius_km: float = 10.0


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# What a listing never shows: the vectors alone are 1,792 floats a row, which asyncpg decoded
# for every item of every browse and history page.
def unlisted(entity: type[Item] | AliasedClass[Item] = Item) -> tuple[ExecutableOption, ...]:
    """Loader options leaving those columns out, for Item or an alias of it."""
    return tuple(
        defer(column)
        for column in (
            entity.image_embedding,
            entity.text_embedding,
            entity.search_text,
            entity.control_details,
        )
    )


def browse_query(filters: BrowseFilters) -> Select[Item]:
    statement = select(Item).where(
        Item.status == "open", Item.is_hidden.is_(False), Item.venue_verified.is_not(False)
    )
    if filters.type:
        statement = statement.where(Item.type == filters.type)
    if filters.category:
        statement = statement.where(Item.category == filters.category)
    if filters.query:
        # Every word must appear somewhere (title, description, brand, colour, place);
        # the trigram index on search_text serves these ILIKEs, Arabic included.
        for term in filters.query.lower().split()[:8]:
            statement = statement.where(Item.search_text.ilike(f"%{escape_like(term)}%"))
    if filters.date_from:
        statement = statement.where(Item.date_time >= filters.date_from)
    if filters.date_to:
        statement = statement.where(Item.date_time <= filters.date_to)
    if filters.near:
        lat, lon = filters.near
        radius_m = filters.radius_km * 1000
        here = func.ll_to_earth(lat, lon)
        there = Item.earth_point  # stored and indexed (idx_items_earth_point)
        statement = statement.where(
            Item.latitude.is_not(None),
            Item.longitude.is_not(None),
            func.earth_box(here, radius_m).op("@>")(there),
            func.earth_distance(here, there) <= radius_m,
        )
    return statement


async def browse(
    session: UnitOfWork, filters: BrowseFilters, page: int, page_size: int
) -> tuple[list[ListedItem], int]:
    return await listing.read_page(session, _browse_page(filters, page, page_size), {})


async def history(
    session: UnitOfWork, owner: User, status: str | None, page: int, page_size: int
) -> tuple[list[ListedItem], int]:
    statements = _history_page(status, page, page_size)
    return await listing.read_page(session, statements, {"owner_id": owner.id})


# Statements kept per kind of page: most requests ask for the first page of a few filters.
@functools.lru_cache(maxsize=512)
def _browse_page(filters: BrowseFilters, page: int, page_size: int) -> listing.PageStatements:
    return listing.page_statements(browse_query(filters), page, page_size)


@functools.lru_cache(maxsize=256)
def _history_page(status: str | None, page: int, page_size: int) -> listing.PageStatements:
    statement = select(Item).where(Item.user_id == bindparam("owner_id"))
    if status:
        statement = statement.where(Item.status == status)
    return listing.page_statements(statement, page, page_size)


async def newest_first_page(
    session: UnitOfWork, statement: Select[Item], page: int, page_size: int
) -> tuple[list[Item], int]:
    """(one page of the items, newest first, total across all pages)."""
    # Counted over the same rows without selecting their columns (a subquery of the whole
    # select made the count compile and plan every column and subquery of the row).
    total = await session.scalar(
        statement.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    )
    rows = await session.execute(
        statement.order_by(Item.created_at.desc(), Item.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows.scalars()), int(total or 0)
