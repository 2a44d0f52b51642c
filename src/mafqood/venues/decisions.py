"""The finder side's decision on a claim.

Approving shares contacts: on the match between the claimant's lost report and the item when
there is one (as if both had confirmed it), else by telling the claimant the finder side's
contact. Rejecting tells the claimant why.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from mafqood.audit import service as audit
from mafqood.core.errors import Conflict, FieldError, NotFound
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim, Match
from mafqood.matching import notices
from mafqood.matching.service import share_contacts
from mafqood.notifications.service import notify
from mafqood.users.models import User
from mafqood.venues.access import finder_side_item
from mafqood.venues.claim_schemas import DecisionIn
from mafqood.venues.claims import CLAIMABLE_STATUSES


async def lock_pair(
    session: UnitOfWork, lost_item_id: uuid.UUID | None, found_id: uuid.UUID
) -> tuple[Match | None, Item | None]:
    """The match between a claimant's lost report and the found item, and that report,
    locked before the found item: the order the confirm flow takes (match, lost, found), so
    that a claim decided while its match is being confirmed cannot deadlock."""
    if lost_item_id is None:
        return None, None
    match = await session.scalar(
        select(Match)
        .where(Match.user_item_id == lost_item_id, Match.matched_item_id == found_id)
        .with_for_update()
    )
    lost = await session.get(Item, lost_item_id, with_for_update=True)
    return match, lost


async def decide(
    session: UnitOfWork, user: User, claim_id: uuid.UUID, data: DecisionIn, client: ClientInfo
) -> tuple[Claim, Item]:
    claim = await session.get(Claim, claim_id)
    if claim is None:
        raise NotFound()
    match, lost = await lock_pair(session, claim.lost_item_id, claim.item_id)
    item = await finder_side_item(session, claim.item_id, user)
    await session.refresh(claim, with_for_update=True)
    if claim.status != "pending":
        raise Conflict("claim_decided")
    if data.decision == "reject":
        if not data.reason:
            raise FieldError("reason", "reason_required")
        close(claim, "rejected", data.reason, user)
        await notify(
            session,
            claim.claimant_id,
            "claim",
            "notify.claim_rejected",
            params={"item_title": item.title, "reason": data.reason},
            item_id=item.id,
            event={"type": "claim_decided", "claim_id": str(claim.id), "status": "rejected"},
        )
    else:
        if item.status not in CLAIMABLE_STATUSES:
            raise Conflict("item_not_claimable")
        close(claim, "approved", data.reason, user)
        await _share(session, claim, item, match, lost)
    audit.record(
        session,
        f"claim_{claim.status}",
        client,
        user_id=user.id,
        entity_type="claim",
        entity_id=claim.id,
        data={"item_id": str(item.id)},
    )
    await session.flush()
    await session.refresh(claim)
    return claim, item


def close(claim: Claim, status: str, reason: str | None, by: User) -> None:
    claim.status = status
    claim.reason = reason
    claim.decided_by = by.id
    claim.decided_at = func.now()
    claim.updated_at = func.now()


async def _share(
    session: UnitOfWork, claim: Claim, item: Item, match: Match | None, lost: Item | None
) -> None:
    if match is not None and lost is not None and match.status != "claimed":
        share_contacts(match, lost, item)
        await notices.contacts_shared(session, match, lost, item)
        return
    if item.status == "open":
        item.status = "matched"
    contact = notices.contact_of(item, await notices.owner_of(session, item))
    await notify(
        session,
        claim.claimant_id,
        "claim",
        "notify.claim_approved",
        params={"item_title": item.title, "contact": contact},
        item_id=item.id,
        event={
            "type": "claim_decided",
            "claim_id": str(claim.id),
            "status": "approved",
            "contact": contact,
        },
    )
