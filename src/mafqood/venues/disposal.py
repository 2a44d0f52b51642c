"""Disposal of items held past their retention period: what was done with each, by whom.
Nothing is deleted: the item stays, closed, so that it leaves browsing and matching."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import exists, func, or_, select, update

from mafqood.audit import service as audit
from mafqood.core.errors import Conflict, FieldError, NotFound
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.models import Disposal, Handover, Match
from mafqood.users.models import User
from mafqood.venues import retention
from mafqood.venues.models import Venue
from mafqood.venues.ops_schemas import DisposalIn


async def dispose(
    session: UnitOfWork,
    venue: Venue,
    user: User,
    item_id: uuid.UUID,
    data: DisposalIn,
    client: ClientInfo,
) -> tuple[Disposal, Item]:
    # Locked, so that a handover or a second disposal of the same item waits for this one.
    item = await session.get(Item, item_id, with_for_update=True)
    if item is None or item.venue_id != venue.id:
        raise NotFound()
    gone = await session.scalar(
        select(
            exists().where(Disposal.item_id == item.id)
            | exists().where(Handover.item_id == item.id)
        )
    )
    if gone or item.status not in retention.HELD_STATUSES:
        raise Conflict("item_not_held")
    if not await retention.is_due(session, item):
        raise Conflict("not_due_for_disposal")
    if data.method == "police" and not data.notes:
        # What the desk shows when the owner turns up later: which station, which receipt.
        raise FieldError("notes", "police_reference_required")
    disposal = Disposal(
        item_id=item.id, venue_id=venue.id, method=data.method, notes=data.notes, staff_id=user.id
    )
    session.add(disposal)
    item.status = "closed"
    # A lost report's owner waiting on this item is not left with a live candidate.
    await session.execute(
        update(Match)
        .where(
            or_(Match.user_item_id == item.id, Match.matched_item_id == item.id),
            Match.status == "pending",
        )
        .values(status="expired", updated_at=func.now())
    )
    audit.record(
        session,
        "item_disposed",
        client,
        user_id=user.id,
        entity_type="item",
        entity_id=item.id,
        data={"venue": str(venue.id), "method": data.method},
    )
    await session.flush()
    await session.refresh(disposal)
    await session.refresh(item)
    return disposal, item


async def history(
    session: UnitOfWork,
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
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = await session.execute(
        statement.order_by(Disposal.created_at.desc(), Disposal.item_id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return [(row, item, name) for row, item, name in rows], int(total or 0)
