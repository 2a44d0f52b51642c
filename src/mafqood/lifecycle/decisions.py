"""The finder side's decision on a claim.

Approving shares contacts: on the match between the claimant's lost report and the item when
there is one (as if both had confirmed it), else by telling the claimant the finder side's
contact. Rejecting tells the claimant why.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func

from mafqood.audit import service as audit
from mafqood.core.errors import Conflict, FieldError, NotFound
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle import notices
from mafqood.lifecycle.access import finder_side, owner_of
from mafqood.lifecycle.locks import lock
from mafqood.lifecycle.matches import share_contacts
from mafqood.lifecycle.models import Claim, Match
from mafqood.lifecycle.schemas import DecisionIn
from mafqood.lifecycle.statuses import CLAIM, HELD, ITEM, ClaimStatus, ItemStatus, MatchStatus
from mafqood.users.models import User


@dataclass(frozen=True)
class DecideClaim:
    claim_id: uuid.UUID
    decision: DecisionIn


async def decide(
    uow: UnitOfWork, actor: User, command: DecideClaim, *, client: ClientInfo
) -> tuple[Claim, Item]:
    data = command.decision
    claim = await uow.get(Claim, command.claim_id)
    if claim is None:
        raise NotFound()
    locked = await lock(uow, lost_id=claim.lost_item_id, found_id=claim.item_id, claim=claim)
    item = await finder_side(uow, actor, locked.found)
    if data.decision == "reject":
        CLAIM.check(claim, ClaimStatus.REJECTED)
        if not data.reason:
            raise FieldError("reason", "reason_required")
        close(claim, ClaimStatus.REJECTED, data.reason, actor)
        await notices.claim_rejected(uow, claim, item, data.reason)
    else:
        CLAIM.check(claim, ClaimStatus.APPROVED)
        if item.status not in HELD:
            raise Conflict("item_not_claimable")
        close(claim, ClaimStatus.APPROVED, data.reason, actor)
        await _share(uow, claim, item, locked.match, locked.lost)
        await notices.ready_to_collect(uow, claim, item)
    audit.record(
        uow,
        f"claim_{claim.status}",
        client,
        user_id=actor.id,
        entity_type="claim",
        entity_id=claim.id,
        data={"item_id": str(item.id)},
    )
    await uow.flush()
    await uow.refresh(claim)
    return claim, item


def close(claim: Claim, status: ClaimStatus, reason: str | None, by: User) -> None:
    CLAIM.move(claim, status)
    claim.reason = reason
    claim.decided_by = by.id
    claim.decided_at = func.now()
    claim.updated_at = func.now()


async def _share(
    uow: UnitOfWork, claim: Claim, item: Item, match: Match | None, lost: Item | None
) -> None:
    if match is not None and lost is not None and match.status != MatchStatus.CLAIMED:
        share_contacts(match, lost, item)
        await notices.contacts_shared(uow, match, lost, item)
        return
    if item.status == ItemStatus.OPEN:
        ITEM.move(item, ItemStatus.MATCHED)
    await notices.claim_approved(
        uow, claim, item, notices.contact_of(item, await owner_of(uow, item))
    )
