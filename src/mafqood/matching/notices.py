"""What the owners hear about their matches: a notification each (with its WebSocket event and
push), written in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mafqood.items.models import Item
from mafqood.matching.models import Match
from mafqood.notifications.service import notify
from mafqood.realtime import events
from mafqood.users.models import User


async def new_match(session: AsyncSession, match: Match, lost: Item, found: Item) -> None:
    """Both owners, each about their own report."""
    for mine in (lost, found):
        await notify(
            session,
            mine.user_id,
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


async def answered(session: AsyncSession, match: Match, lost: Item, found: Item, by: User) -> None:
    """One owner answered: tell the other; when both said yes, give each the other's contact."""
    mine, theirs = (lost, found) if by.id == lost.user_id else (found, lost)
    other_owner = await session.get(User, theirs.user_id)
    assert other_owner is not None
    if match.status == "rejected":
        await notify(
            session,
            theirs.user_id,
            "update",
            "notify.match_rejected",
            params={"item_title": theirs.title},
            item_id=theirs.id,
            match_id=match.id,
        )
        return
    if match.status != "contacted":
        await notify(
            session,
            theirs.user_id,
            "match",
            "notify.match_confirmed",
            params={"item_title": theirs.title, "other_name": by.full_name},
            item_id=theirs.id,
            match_id=match.id,
            event={
                "type": "match_confirmed",
                "match_id": str(match.id),
                "other_user": {"name": by.full_name, "contact": None},
            },
        )
        return
    for item, other_item, other in ((mine, theirs, other_owner), (theirs, mine, by)):
        contact = contact_of(other_item, other)
        await notify(
            session,
            item.user_id,
            "claim",
            "notify.contact_shared",
            params={"item_title": item.title, "other_name": other.full_name, "contact": contact},
            item_id=item.id,
            match_id=match.id,
            event={
                "type": "match_confirmed",
                "match_id": str(match.id),
                "other_user": {"name": other.full_name, "contact": contact},
            },
        )


async def item_status_changed(session: AsyncSession, item: Item) -> None:
    """The owners of the open matches on the other side learn that this report changed."""
    other_ids = await session.execute(
        select(Match.user_item_id, Match.matched_item_id).where(
            or_(Match.user_item_id == item.id, Match.matched_item_id == item.id),
            Match.status.in_(("pending", "contacted")),
        )
    )
    for lost_id, found_id in other_ids:
        other = await session.get(Item, found_id if lost_id == item.id else lost_id)
        if other is None or other.user_id == item.user_id:
            continue
        await notify(
            session,
            other.user_id,
            "update",
            "notify.item_status",
            params={"item_title": item.title, "status": item.status},
            item_id=other.id,
            event={"type": "item_status", "item_id": str(item.id), "status": item.status},
        )
