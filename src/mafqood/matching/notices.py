"""What the two sides hear about their matches: a notification each (with its WebSocket event
and push), written in the same transaction as the change. A venue's found item is told to
every member of the venue (see venues.access.recipients), never to its desk account."""

from __future__ import annotations

from sqlalchemy import or_, select

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim, Match
from mafqood.notifications.service import notify
from mafqood.realtime import events
from mafqood.users.models import User
from mafqood.venues.access import recipients


async def new_match(session: UnitOfWork, match: Match, lost: Item, found: Item) -> None:
    """Both sides, each about their own report."""
    for mine in (lost, found):
        for user_id in await recipients(session, mine):
            await notify(
                session,
                user_id,
                "match",
                "notify.new_match",
                params={"item_title": mine.title, "confidence": match.confidence or "low"},
                item_id=mine.id,
                match_id=match.id,
                event=events.new_match(match.id, mine.id, match.similarity_score, match.confidence),
            )


def contact_of(item: Item, owner: User) -> str:
    """What the other side gets once both confirmed: the report's contact, else the account's."""
    return item.contact_phone or item.contact_email or owner.phone or owner.email


async def owner_of(session: UnitOfWork, item: Item) -> User:
    """The account a report belongs to: a person, or a venue's desk (named after the venue)."""
    owner = await session.get(User, item.user_id)
    assert owner is not None  # enforced by the foreign key
    return owner


async def answered(session: UnitOfWork, match: Match, lost: Item, found: Item, by: User) -> None:
    """One side answered: tell the other; when contacts are shared, give each the other's.
    A yes from the lost side on a found item with control details asks its owner to claim
    the item (answer the finder's questions), unless they already did."""
    by_lost = by.id == lost.user_id
    mine, theirs = (lost, found) if by_lost else (found, lost)
    if match.status == "contacted":
        await contacts_shared(session, match, lost, found)
        return
    if match.status == "rejected":
        for user_id in await recipients(session, theirs):
            await notify(
                session,
                user_id,
                "update",
                "notify.match_rejected",
                params={"item_title": theirs.title},
                item_id=theirs.id,
                match_id=match.id,
            )
        return
    name = (await owner_of(session, mine)).full_name
    for user_id in await recipients(session, theirs):
        await notify(
            session,
            user_id,
            "match",
            "notify.match_confirmed",
            params={"item_title": theirs.title, "other_name": name},
            item_id=theirs.id,
            match_id=match.id,
            event={
                "type": "match_confirmed",
                "match_id": str(match.id),
                "other_user": {"name": name, "contact": None},
            },
        )
    if by_lost and match.user_item_owner_confirmed and found.control_details:
        await _ask_to_claim(session, match, lost, found)


async def _ask_to_claim(session: UnitOfWork, match: Match, lost: Item, found: Item) -> None:
    claimed = await session.scalar(
        select(Claim.id)
        .where(
            Claim.item_id == found.id,
            Claim.claimant_id == lost.user_id,
            Claim.status.in_(("pending", "approved")),
        )
        .limit(1)
    )
    if claimed is not None:
        return
    await notify(
        session,
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


async def contacts_shared(session: UnitOfWork, match: Match, lost: Item, found: Item) -> None:
    """Each side gets the other's contact: the lost report's owner gets the finder's (a
    venue's desk for its items), every member of the finder side gets the owner's."""
    lost_owner, found_owner = await owner_of(session, lost), await owner_of(session, found)
    for item, other_item, other in ((lost, found, found_owner), (found, lost, lost_owner)):
        contact = contact_of(other_item, other)
        for user_id in await recipients(session, item):
            await notify(
                session,
                user_id,
                "claim",
                "notify.contact_shared",
                params={
                    "item_title": item.title,
                    "other_name": other.full_name,
                    "contact": contact,
                },
                item_id=item.id,
                match_id=match.id,
                event={
                    "type": "match_confirmed",
                    "match_id": str(match.id),
                    "other_user": {"name": other.full_name, "contact": contact},
                },
            )


async def item_status_changed(session: UnitOfWork, item: Item) -> None:
    """The other sides of the item's open matches learn that this report changed."""
    other_ids = await session.execute(
        select(Match.user_item_id, Match.matched_item_id).where(
            or_(Match.user_item_id == item.id, Match.matched_item_id == item.id),
            Match.status.in_(("pending", "contacted")),
        )
    )
    for lost_id, found_id in other_ids.all():
        other = await session.get(Item, found_id if lost_id == item.id else lost_id)
        if other is None or other.user_id == item.user_id:
            continue
        for user_id in await recipients(session, other):
            await notify(
                session,
                user_id,
                "update",
                "notify.item_status",
                params={"item_title": item.title, "status": item.status},
                item_id=other.id,
                event={"type": "item_status", "item_id": str(item.id), "status": item.status},
            )
