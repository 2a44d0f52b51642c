"""Disposal of items held past their retention period: what was done with each, by whom.
Nothing is deleted: the item stays, closed, so that it leaves browsing and matching."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select

from mafqood.audit import service as audit
from mafqood.core.errors import Conflict, FieldError, NotFound
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle import matches
from mafqood.lifecycle.locks import lock
from mafqood.lifecycle.models import Disposal, Handover, Match
from mafqood.lifecycle.retention import is_due
from mafqood.lifecycle.statuses import HELD, ITEM, ItemStatus
from mafqood.users.models import User
from mafqood.venues.access import member_venue
from mafqood.venues.models import Venue


@dataclass(frozen=True)
class DisposeItem:
    venue_id: uuid.UUID
    item_id: uuid.UUID
    method: str
    notes: str | None = None


async def dispose(
    uow: UnitOfWork, actor: User, command: DisposeItem, *, client: ClientInfo
) -> tuple[Disposal, Item]:
    venue = await member_venue(uow, command.venue_id, actor)
    # Locked, so that a handover or a second disposal of the same item waits for this one.
    item = (await lock(uow, found_id=command.item_id, pending_matches=True)).found
    if item is None or item.venue_id != venue.id:
        raise NotFound()
    gone = await uow.scalar(
        select(
            exists().where(Disposal.item_id == item.id)
            | exists().where(Handover.item_id == item.id)
        )
    )
    if gone or item.status not in HELD:
        raise Conflict("item_not_held")
    if not await is_due(uow, item):
        raise Conflict("not_due_for_disposal")
    if command.method == "police" and not command.notes:
        # What the desk shows when the owner turns up later: which station, which receipt.
        raise FieldError("notes", "police_reference_required")
    disposal = Disposal(
        item_id=item.id,
        venue_id=venue.id,
        method=command.method,
        notes=command.notes,
        staff_id=actor.id,
    )
    uow.add(disposal)
    ITEM.move(item, ItemStatus.CLOSED)
    # A lost report's owner waiting on this item is not left with a live candidate.
    await matches.expire(uow, or_(Match.user_item_id == item.id, Match.matched_item_id == item.id))
    audit.record(
        uow,
        "item_disposed",
        client,
        user_id=actor.id,
        entity_type="item",
        entity_id=item.id,
        data={"venue": str(venue.id), "method": command.method},
    )
    await uow.flush()
    await uow.refresh(disposal)
    await uow.refresh(item)
    return disposal, item


async def history(
    uow: UnitOfWork,
    venue: Venue,
    start: datetime | None,
    end: datetime | None,
    page: int,
    page_size: int,
) -> tuple[list[tuple[Disposal, Item, str | None]], int]:
    """(disposals newest first with their item and the staff member's name; total)."""
    statement = (
        select(Disposal, Item, User.full_name)
        .join(Item, Item.id == Disposal.item_id)
        .outerjoin(User, User.id == Disposal.staff_id)
        .where(Disposal.venue_id == venue.id)
    )
    if start:
        statement = statement.where(Disposal.created_at >= start)
    if end:
        statement = statement.where(Disposal.created_at < end)
    total = await uow.scalar(select(func.count()).select_from(statement.subquery()))
    rows = await uow.execute(
        statement.order_by(Disposal.created_at.desc(), Disposal.item_id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return [(row, item, name) for row, item, name in rows], int(total or 0)
