"""Handing a found item back: who collected it, when, from whom, and how they proved who they
are. Once handed over the item is "claimed", the other claims waiting on it are closed, and
the claimant's own lost report (with its match) is "claimed" too."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mafqood.audit import service as audit
from mafqood.core.errors import Conflict, FieldError, NotFound
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim, Disposal, Handover
from mafqood.matching import notices
from mafqood.notifications.service import notify
from mafqood.users.models import User
from mafqood.venues.access import finder_side_item, recipients
from mafqood.venues.claim_schemas import HandoverIn
from mafqood.venues.decisions import close, lock_pair

# Stored as the reason of the claims a handover closes (the claimants are told in their
# language by notify.claim_handed_over).
HANDED_OVER_REASON = "handed over to another claimant"


async def hand_over(
    session: UnitOfWork, user: User, item_id: uuid.UUID, data: HandoverIn, client: ClientInfo
) -> Handover:
    given = await session.get(Claim, data.claim_id) if data.claim_id else None
    lost_item_id = given.lost_item_id if given is not None and given.item_id == item_id else None
    match, lost = await lock_pair(session, lost_item_id, item_id)
    item = await finder_side_item(session, item_id, user)
    if await session.get(Disposal, item.id) is not None:
        raise Conflict("item_not_held")
    if await session.scalar(select(Handover.id).where(Handover.item_id == item.id)):
        raise Conflict("already_handed_over")
    if data.claim_id is not None:
        if given is not None:
            await session.refresh(given, with_for_update=True)
        if given is None or given.item_id != item.id or given.status != "approved":
            raise FieldError("claim_id", "claim_not_approved")
    if data.id_checked and data.id_type is None:
        raise FieldError("id_type", "id_type_required")
    handover = Handover(
        item_id=item.id,
        claim_id=given.id if given else None,
        collected_by_name=data.collected_by_name,
        collected_by_user_id=given.claimant_id if given else None,
        collected_at=data.collected_at or datetime.now(UTC),
        staff_id=user.id,
        id_checked=data.id_checked,
        # What was not checked is not recorded.
        id_type=data.id_type if data.id_checked else None,
        id_last4=data.id_last4 if data.id_checked else None,
        notes=data.notes,
    )
    try:
        async with session.begin_nested():
            session.add(handover)
            await session.flush()
    except IntegrityError as exc:  # handovers.item_id is unique
        raise Conflict("already_handed_over") from exc
    item.status = "claimed"
    if match is not None and lost is not None:
        match.status = "claimed"
    if lost is not None:
        lost.status = "claimed"
    await _close_other_claims(session, item, given, user)
    await session.flush()  # the notices below read the matches' new statuses
    await _tell(session, item, lost, handover, user)
    audit.record(
        session,
        "item_handed_over",
        client,
        user_id=user.id,
        entity_type="item",
        entity_id=item.id,
        data={"claim_id": str(given.id) if given else None, "id_checked": data.id_checked},
    )
    await session.flush()
    await session.refresh(handover)
    return handover


async def _close_other_claims(
    session: UnitOfWork, item: Item, given: Claim | None, by: User
) -> None:
    waiting = await session.scalars(
        select(Claim).where(Claim.item_id == item.id, Claim.status == "pending").with_for_update()
    )
    for claim in waiting.all():
        if given is not None and claim.id == given.id:
            continue
        close(claim, "rejected", HANDED_OVER_REASON, by)
        await notify(
            session,
            claim.claimant_id,
            "claim",
            "notify.claim_handed_over",
            params={"item_title": item.title},
            item_id=item.id,
            event={"type": "claim_decided", "claim_id": str(claim.id), "status": "rejected"},
        )


async def _tell(
    session: UnitOfWork, item: Item, lost: Item | None, handover: Handover, by: User
) -> None:
    """The claimant and the rest of the finder side (the one who handed it over knows), then
    the other sides of both reports' open matches."""
    told = [handover.collected_by_user_id] if handover.collected_by_user_id else []
    told += [user_id for user_id in await recipients(session, item) if user_id != by.id]
    for user_id in dict.fromkeys(told):
        await notify(
            session,
            user_id,
            "update",
            "notify.handover",
            params={"item_title": item.title, "name": handover.collected_by_name},
            item_id=item.id,
            event={"type": "item_handed_over", "item_id": str(item.id)},
        )
    for report in (item, lost):
        if report is not None:
            await notices.item_status_changed(session, report)


async def handover_of(session: UnitOfWork, item: Item) -> Handover:
    handover = await session.scalar(select(Handover).where(Handover.item_id == item.id))
    if handover is None:
        raise NotFound()
    return handover
