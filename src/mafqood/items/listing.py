"""A page of reports read as plain rows: the columns an answer shows and its photos, in one
statement, without ORM instances.

Browse and history list twenty reports a request. Loading them as ORM entities (identity
map, instance state, a second statement for the photos) cost more API CPU than everything
else the request did; a row of the shown columns with the photos aggregated in the database
is read several times faster. Presenters and photo access read these rows like reports.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Select, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item, ItemPhoto


@dataclass
class ListedPhoto:
    id: uuid.UUID
    position: int
    image_key: str
    redacted_key: str | None
    shows_document: bool


@dataclass
class ListedItem:
    """A report as a page of reports shows it: each field but the last is the column of
    `Item` of the same name. Not slotted: presenters read the loaded photos from `__dict__`,
    as they do of an ORM report."""

    id: uuid.UUID
    user_id: uuid.UUID
    venue_id: uuid.UUID | None
    type: str
    status: str
    title: str
    description: str | None
    category: str
    category_given: bool
    ai_category: str | None
    brand: str | None
    color: str | None
    image_url: str | None
    thumbnail_url: str | None
    image_key: str | None
    location: str
    location_detail: str | None
    location_type: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    date_time: datetime
    contact_method: str
    contact_phone: str | None
    contact_email: str | None
    view_count: int
    match_count: int
    analysis_status: str
    analysis_error: str | None
    detected_objects: Any
    venue_verified: bool | None
    created_at: datetime
    updated_at: datetime
    photos: list[ListedPhoto]


_PHOTO_FIELDS = (
    ItemPhoto.id,
    ItemPhoto.position,
    ItemPhoto.image_key,
    ItemPhoto.redacted_key,
    ItemPhoto.shows_document,
)
_PHOTOS = (
    select(
        func.json_agg(
            aggregate_order_by(func.json_build_array(*_PHOTO_FIELDS), ItemPhoto.position),
            type_=JSON,
        )
    )
    .where(ItemPhoto.item_id == Item.id)
    .correlate(Item)
    .scalar_subquery()
)
# The report's columns in the order of ListedItem's fields (rows are read positionally).
_COLUMNS = tuple(getattr(Item, field.name) for field in fields(ListedItem)[:-1])


def _listed(row: Any) -> ListedItem:
    # Positional: building a mapping of each row cost more than the rest of its reading.
    item = ListedItem(*row)
    views: Any = item.photos
    item.photos = [
        ListedPhoto(uuid.UUID(view[0]), view[1], view[2], view[3], view[4]) for view in views or ()
    ]
    return item


@dataclass(frozen=True)
class PageStatements:
    """The two statements that read one page of reports, newest first: its rows, and the
    total across all pages. Built once per kind of page and kept (see items/service.py): a
    statement used again is neither built nor given its cache key again."""

    total: Select[Any]
    rows: Select[Any]
    page: int
    page_size: int


def page_statements(reports: Select[Any], page: int, page_size: int) -> PageStatements:
    """`reports` is a select of Item with its conditions; its columns are replaced."""
    # Counted apart: a count(*) OVER () on the page's statement made the database build
    # every matching row before the page, and cost the API more CPU than a second statement.
    return PageStatements(
        total=reports.with_only_columns(func.count(), maintain_column_froms=True).order_by(None),
        rows=reports.with_only_columns(*_COLUMNS, _PHOTOS)
        .order_by(Item.created_at.desc(), Item.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size),
        page=page,
        page_size=page_size,
    )


async def read_page(
    session: UnitOfWork, statements: PageStatements, values: dict[str, Any]
) -> tuple[list[ListedItem], int]:
    """(the page's reports, total across all pages); `values` fill the statements' bound
    parameters. A page that is not full tells the total itself: counted only otherwise."""
    rows = [_listed(row) for row in await session.execute(statements.rows, values)]
    page, size = statements.page, statements.page_size
    if 0 < len(rows) < size or (page == 1 and not rows):
        return rows, (page - 1) * size + len(rows)
    total = await session.scalar(statements.total, values)
    return rows, int(total or 0)
