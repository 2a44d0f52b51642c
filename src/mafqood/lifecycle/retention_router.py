"""Retention: items past their holding period, and their disposal."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, status

from mafqood.core.errors import FieldError
from mafqood.core.pagination import PageDep
from mafqood.core.request_context import ClientDep
from mafqood.core.validation import DateTimeInRange
from mafqood.core.web import SessionDep
from mafqood.items.models import Item
from mafqood.lifecycle import disposal, retention
from mafqood.lifecycle.models import Disposal
from mafqood.lifecycle.schemas import (
    DisposalIn,
    DisposalListOut,
    DisposalMethod,
    DisposalOut,
    DueItemOut,
    DueListOut,
    ItemBrief,
)
from mafqood.users.deps import CurrentUser
from mafqood.venues import access
from mafqood.venues.router import NOT_MEMBER

router = APIRouter(prefix="/api/v1", tags=["venue reports"])

From = Annotated[DateTimeInRange | None, Query(alias="from", description="Included")]
To = Annotated[DateTimeInRange | None, Query(description="Not included")]
BAD_INPUT: dict[int | str, dict[str, Any]] = {
    422: {"description": "Invalid field, or `to` before `from`"}
}


def _ordered(start: datetime | None, end: datetime | None) -> None:
    if start and end and end < start:
        raise FieldError("to", "date_order", location="query")


@router.get("/venues/{venue_id}/disposals/due", response_model=DueListOut, responses=NOT_MEMBER)
async def due_for_disposal(
    venue_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    page: PageDep,
) -> DueListOut:
    """Items still held (open or matched, neither handed over nor disposed of) whose holding
    period for their category is over, most overdue first."""
    venue = await access.member_venue(db, venue_id, user)
    rows, total = await retention.due_page(db, venue, page.number, page.size)
    now = datetime.now(UTC)
    return DueListOut(
        items=[
            DueItemOut(
                item=ItemBrief.model_validate(item),
                retention_days=days,
                due_at=due_at,
                days_overdue=max((now - due_at).days, 0),
            )
            for item, due_at, days in rows
        ],
        pagination=page.answer(total),
    )


def _disposal_out(row: Disposal, item: Item, staff_name: str | None) -> DisposalOut:
    return DisposalOut(
        item=ItemBrief.model_validate(item),
        venue_id=row.venue_id,
        method=cast(DisposalMethod, row.method),
        notes=row.notes,
        staff_id=row.staff_id,
        staff_name=staff_name,
        created_at=row.created_at,
    )


@router.post(
    "/venues/{venue_id}/items/{item_id}/disposal",
    status_code=status.HTTP_201_CREATED,
    response_model=DisposalOut,
    responses={
        **NOT_MEMBER,
        409: {
            "description": "not_due_for_disposal: still within its holding period; "
            "item_not_held: handed over, disposed of, closed or claimed"
        },
        422: {"description": "Invalid field, or no notes for a hand-over to the police"},
    },
)
async def dispose_item(
    venue_id: uuid.UUID,
    item_id: uuid.UUID,
    data: DisposalIn,
    user: CurrentUser,
    db: SessionDep,
    client: ClientDep,
) -> DisposalOut:
    """Record what was done with an item past its holding period (donated, destroyed, or
    handed to the police). The item is closed (it leaves browsing and matching) and its
    pending matches expire; nothing is deleted."""
    command = disposal.DisposeItem(venue_id, item_id, data.method, data.notes)
    row, item = await disposal.dispose(db, user, command, client=client)
    return _disposal_out(row, item, user.full_name)


@router.get(
    "/venues/{venue_id}/disposals",
    response_model=DisposalListOut,
    responses={**NOT_MEMBER, **BAD_INPUT},
)
async def list_disposals(
    venue_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    page: PageDep,
    start: From = None,
    to: To = None,
) -> DisposalListOut:
    """The venue's disposals, newest first, optionally within [from, to)."""
    venue = await access.member_venue(db, venue_id, user)
    _ordered(start, to)
    rows, total = await disposal.history(db, venue, start, to, page.number, page.size)
    return DisposalListOut(
        disposals=[_disposal_out(row, item, name) for row, item, name in rows],
        pagination=page.answer(total),
    )
