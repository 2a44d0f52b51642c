"""Who is told what of an item's life: a notification each (with its WebSocket event and push),
written in the same transaction as the change. A report is told to its owner; a venue's found
item to every member of the venue, never to its desk account (nobody signs in to it)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.access import Side, owner_of
from mafqood.lifecycle.models import Claim, Handover, Match
from mafqood.lifecycle.statuses import ClaimStatus, MatchStatus
from mafqood.notifications.service import notify, notify_all
from mafqood.realtime import events
from mafqood.users.models import User
from mafqood.venues.models import Venue, VenueMember


async def recipients(uow: UnitOfWork, item: Item) -> list[uuid.UUID]:
    """Who hears about an item: its reporter; for a venue's item, every member of the venue."""
    if item.venue_id is None:
        return [item.user_id]
    members = await uow.scalars(
        select(VenueMember.user_id).where(VenueMember.venue_id == item.venue_id)
    )
    return list(members) or [item.user_id]


def contact_of(item: Item, owner: User) -> str:
    """What the other side gets once contacts are shared: the report's contact, else the
    account's."""
    return item.contact_phone or item.contact_email or owner.phone or owner.email


async def new_match(uow: UnitOfWork, match: Match, lost: Item, found: Item) -> None:
    """Both sides, each about their own report."""
    for mine in (lost, found):
        await notify_all(
            uow,
            await recipients(uow, mine),
            "match",
            "notify.new_match",
            params={"item_title": mine.title, "confidence": match.confidence or "low"},
            item_id=mine.id,
            match_id=match.id,
            event=events.new_match(match.id, mine.id, match.similarity_score, match.confidence),
        )


async def answered(uow: UnitOfWork, match: Match, lost: Item, found: Item, by: Side) -> None:
    """One side answered: tell the other; when contacts are shared, give each the other's.
    A yes from the lost side on a found item with control details asks its owner to claim
    the item (answer the finder's questions), unless they already did."""
    mine, theirs = (lost, found) if by is Side.LOST else (found, lost)
    if match.status == MatchStatus.CONTACTED:
        await contacts_shared(uow, match, lost, found)
        return
    if match.status == MatchStatus.REJECTED:
        await notify_all(
            uow,
            await recipients(uow, theirs),
            "update",
            "notify.match_rejected",
            params={"item_title": theirs.title},
            item_id=theirs.id,
            match_id=match.id,
        )
        return
    name = (await owner_of(uow, mine)).full_name
    await notify_all(
        uow,
        await recipients(uow, theirs),
        "match",
        "notify.match_confirmed",
        params={"item_title": theirs.title, "other_name": name},
        item_id=theirs.id,
        match_id=match.id,
        event=events.match_confirmed(match.id, name, None),
    )
    if by is Side.LOST and match.user_item_owner_confirmed and found.control_details:
        await _ask_to_claim(uow, match, lost, found)


async def _ask_to_claim(uow: UnitOfWork, match: Match, lost: Item, found: Item) -> None:
    claimed = await uow.scalar(
        select(Claim.id)
        .where(
            Claim.item_id == found.id,
            Claim.claimant_id == lost.user_id,
            Claim.status.in_((ClaimStatus.PENDING, ClaimStatus.APPROVED)),
        )
        .limit(1)
    )
    if claimed is not None:
        return
    await notify(
        uow,
        lost.user_id,
        "claim",
        "notify.claim_required",
        params={"item_title": lost.title},
        item_id=found.id,
        match_id=match.id,
        event={
            "type": "claim_required",
            "match_id": str(match.id),
            "item_id": str(found.id),
            "lost_item_id": str(lost.id),
        },
    )


async def contacts_shared(uow: UnitOfWork, match: Match, lost: Item, found: Item) -> None:
    """Each side gets the other's contact: the lost report's owner gets the finder's (a
    venue's desk for its items), every member of the finder side gets the owner's."""
    lost_owner, found_owner = await owner_of(uow, lost), await owner_of(uow, found)
    for item, other_item, other in ((lost, found, found_owner), (found, lost, lost_owner)):
        contact = contact_of(other_item, other)
        await notify_all(
            uow,
            await recipients(uow, item),
            "claim",
            "notify.contact_shared",
            params={"item_title": item.title, "other_name": other.full_name, "contact": contact},
            item_id=item.id,
            match_id=match.id,
            event=events.match_confirmed(match.id, other.full_name, contact),
        )


async def item_status_changed(uow: UnitOfWork, item: Item) -> None:
    """The other sides of the item's live matches learn that this report changed."""
    other_ids = await uow.execute(
        select(Match.user_item_id, Match.matched_item_id).where(
            or_(Match.user_item_id == item.id, Match.matched_item_id == item.id),
            Match.status.in_((MatchStatus.PENDING, MatchStatus.CONTACTED)),
        )
    )
    for lost_id, found_id in other_ids.all():
        other = await uow.get(Item, found_id if lost_id == item.id else lost_id)
        if other is None or other.user_id == item.user_id:
            continue
        await notify_all(
            uow,
            await recipients(uow, other),
            "update",
            "notify.item_status",
            params={"item_title": item.title, "status": item.status},
            item_id=other.id,
            event=events.item_status(item.id, item.status),
        )


async def claim_received(uow: UnitOfWork, claim: Claim, item: Item) -> None:
    await notify_all(
        uow,
        await recipients(uow, item),
        "claim",
        "notify.claim_received",
        params={"item_title": item.title},
        item_id=item.id,
        event={"type": "claim_received", "claim_id": str(claim.id), "item_id": str(item.id)},
    )


async def many_claims(uow: UnitOfWork, item: Item) -> None:
    """The finder side, once: the item draws many claims, so new ones are held for review."""
    await notify_all(
        uow,
        await recipients(uow, item),
        "claim",
        "notify.many_claims",
        params={"item_title": item.title},
        item_id=item.id,
        event={"type": "many_claims", "item_id": str(item.id)},
    )


async def claim_rejected(uow: UnitOfWork, claim: Claim, item: Item, reason: str) -> None:
    """The claimant, with the finder side's reason."""
    await notify(
        uow,
        claim.claimant_id,
        "claim",
        "notify.claim_rejected",
        params={"item_title": item.title, "reason": reason},
        item_id=item.id,
        event=_claim_decided(claim),
    )


async def claim_closed_by_handover(uow: UnitOfWork, claim: Claim, item: Item) -> None:
    """The claimant: the item went to someone else."""
    await notify(
        uow,
        claim.claimant_id,
        "claim",
        "notify.claim_handed_over",
        params={"item_title": item.title},
        item_id=item.id,
        event=_claim_decided(claim),
    )


async def claim_approved(uow: UnitOfWork, claim: Claim, item: Item, contact: str) -> None:
    """The claimant, with the finder side's contact (when no match of theirs shares it)."""
    await notify(
        uow,
        claim.claimant_id,
        "claim",
        "notify.claim_approved",
        params={"item_title": item.title, "contact": contact},
        item_id=item.id,
        event=_claim_decided(claim, contact=contact),
    )


async def ready_to_collect(uow: UnitOfWork, claim: Claim, item: Item) -> None:
    """A claim approved at a venue's desk: the claimant is told where and when to collect."""
    venue = await uow.get(Venue, item.venue_id) if item.venue_id else None
    if venue is None:
        return
    await notify(
        uow,
        claim.claimant_id,
        "claim",
        "notify.ready_to_collect",
        params={
            "item_title": item.title,
            "venue": venue.name,
            "place": venue.location,
            "hours": venue.opening_hours or "",
        },
        item_id=item.id,
    )


def _claim_decided(claim: Claim, **extra: Any) -> dict[str, Any]:
    return {"type": "claim_decided", "claim_id": str(claim.id), "status": claim.status, **extra}


async def handed_over(
    uow: UnitOfWork, item: Item, lost: Item | None, handover: Handover, by: User
) -> None:
    """The claimant and the rest of the finder side (the one who handed it over knows), then
    the other sides of both reports' live matches."""
    told = [handover.collected_by_user_id] if handover.collected_by_user_id else []
    told += [user_id for user_id in await recipients(uow, item) if user_id != by.id]
    await notify_all(
        uow,
        told,
        "update",
        "notify.handover",
        params={"item_title": item.title, "name": handover.collected_by_name},
        item_id=item.id,
        event={"type": "item_handed_over", "item_id": str(item.id)},
    )
    for report in (item, lost):
        if report is not None:
            await item_status_changed(uow, report)
