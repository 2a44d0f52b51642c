"""Handing a found item back: who collected it, when, from whom, and how they proved who they
are. Once handed over the item is "claimed", the other claims waiting on it are closed, and
the claimant's own lost report (with its match) is "claimed" too."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mafqood.audit import service as audit
from mafqood.core.errors import Conflict, FieldError, NotFound
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle import notices
from mafqood.lifecycle.access import finder_side
from mafqood.lifecycle.decisions import close
from mafqood.lifecycle.locks import lock
from mafqood.lifecycle.models import Claim, Disposal, Handover
from mafqood.lifecycle.schemas import HandoverIn
from mafqood.lifecycle.statuses import ITEM, MATCH, ClaimStatus, ItemStatus, MatchStatus
from mafqood.users.models import User

# Stored as the reason of the claims a handover closes (the claimants are told in their
# language by notify.claim_handed_over).
HANDED_OVER_REASON = "handed over to another claimant"


@dataclass(frozen=True)
class HandOver:
    item_id: uuid.UUID
    record: HandoverIn


async def hand_over(
    uow: UnitOfWork, actor: User, command: HandOver, *, client: ClientInfo
) -> Handover:
    item_id, data = command.item_id, command.record
    given = await uow.get(Claim, data.claim_id) if data.claim_id else None
    lost_item_id = given.lost_item_id if given is not None and given.item_id == item_id else None
    locked = await lock(
        uow, lost_id=lost_item_id, found_id=item_id, claim=given, pending_claims=True
    )
    match, lost = locked.match, locked.lost
    item = await finder_side(uow, actor, locked.found)
    if await uow.get(Disposal, item.id) is not None:
        raise Conflict("item_not_held")
    if await uow.scalar(select(Handover.id).where(Handover.item_id == item.id)):
        raise Conflict("already_handed_over")
    if data.claim_id is not None and (
        given is None or given.item_id != item.id or given.status != ClaimStatus.APPROVED
    ):
        raise FieldError("claim_id", "claim_not_approved")
    if data.id_checked and data.id_type is None:
        raise FieldError("id_type", "id_type_required")
    handover = Handover(
        item_id=item.id,
        claim_id=given.id if given else None,
        collected_by_name=data.collected_by_name,
        collected_by_user_id=given.claimant_id if given else None,
        collected_at=data.collected_at or datetime.now(UTC),
        staff_id=actor.id,
        id_checked=data.id_checked,
        # What was not checked is not recorded.
        id_type=data.id_type if data.id_checked else None,
        id_last4=data.id_last4 if data.id_checked else None,
        notes=data.notes,
    )
    try:
        async with uow.begin_nested():
            uow.add(handover)
            await uow.flush()
    except IntegrityError as exc:  # handovers.item_id is unique
        raise Conflict("already_handed_over") from exc
    for report in (item, lost):
        if report is not None and report.status != ItemStatus.CLAIMED:
            ITEM.move(report, ItemStatus.CLAIMED)
    if match is not None and lost is not None and match.status != MatchStatus.CLAIMED:
        MATCH.move(match, MatchStatus.CLAIMED)
    for claim in locked.pending_claims:
        if given is not None and claim.id == given.id:
            continue
        close(claim, ClaimStatus.REJECTED, HANDED_OVER_REASON, actor)
        await notices.claim_closed_by_handover(uow, claim, item)
    await uow.flush()  # the notices below read the matches' new statuses
    await notices.handed_over(uow, item, lost, handover, actor)
    audit.record(
        uow,
        "item_handed_over",
        client,
        user_id=actor.id,
        entity_type="item",
        entity_id=item.id,
        data={"claim_id": str(given.id) if given else None, "id_checked": data.id_checked},
    )
    await uow.flush()
    await uow.refresh(handover)
    return handover


async def handover_of(uow: UnitOfWork, item: Item) -> Handover:
    handover = await uow.scalar(select(Handover).where(Handover.item_id == item.id))
    if handover is None:
        raise NotFound()
    return handover
