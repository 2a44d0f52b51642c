"""The signed-in user's threads, latest message first, each with its unread count."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select, union_all
from sqlalchemy.orm import aliased

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim, Match
from mafqood.messaging.models import MessageThread
from mafqood.messaging.threads import Place, listed_place
from mafqood.users.models import User
from mafqood.venues.models import VenueMember


@dataclass(frozen=True)
class ListThreads:
    page: int = 1
    page_size: int = 20


def _mine(user_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """Ids of the threads the user takes part in (on either side)."""
    my_venues = select(VenueMember.venue_id).where(VenueMember.user_id == user_id)
    lost, found = aliased(Item), aliased(Item)
    of_matches = (
        select(MessageThread.id)
        .join(Match, Match.id == MessageThread.match_id)
        .join(lost, lost.id == Match.user_item_id)
        .join(found, found.id == Match.matched_item_id)
        .where(
            or_(lost.user_id == user_id, found.user_id == user_id, found.venue_id.in_(my_venues))
        )
    )
    of_claims = (
        select(MessageThread.id)
        .join(Claim, Claim.id == MessageThread.claim_id)
        .join(Item, Item.id == Claim.item_id)
        .where(
            or_(
                Claim.claimant_id == user_id,
                Item.user_id == user_id,
                Item.venue_id.in_(my_venues),
            )
        )
    )
    return union_all(of_matches, of_claims)  # type: ignore[return-value]


async def my_threads(uow: UnitOfWork, actor: User, command: ListThreads) -> tuple[list[Place], int]:
    """Threads with at least one message, newest message first, and how many there are.
    Each row's place is checked like any other read (a thread of a report closed long ago
    is left out)."""
    ids = _mine(actor.id).subquery()
    listed = select(MessageThread.id).where(
        MessageThread.id.in_(select(ids.c.id)), MessageThread.last_message_at.is_not(None)
    )
    total = await uow.scalar(select(func.count()).select_from(listed.subquery()))
    rows = await uow.scalars(
        listed.order_by(MessageThread.last_message_at.desc(), MessageThread.id)
        .offset((command.page - 1) * command.page_size)
        .limit(command.page_size)
    )
    thread_ids = list(rows)
    await _load_page(uow, thread_ids)
    places = []
    for thread_id in thread_ids:
        place = await listed_place(uow, actor, thread_id)
        if place is not None:
            places.append(place)
    return places, int(total or 0)


async def _load_page(uow: UnitOfWork, thread_ids: list[uuid.UUID]) -> None:
    """The page's threads, their matches or claims and the reports behind them, in one query
    each: the access check of each row then finds them in the unit of work instead of asking
    the database row by row."""
    threads = list(await uow.scalars(select(MessageThread).where(MessageThread.id.in_(thread_ids))))
    match_ids = [thread.match_id for thread in threads if thread.match_id is not None]
    claim_ids = [thread.claim_id for thread in threads if thread.claim_id is not None]
    matches = list(await uow.scalars(select(Match).where(Match.id.in_(match_ids))))
    claims = list(await uow.scalars(select(Claim).where(Claim.id.in_(claim_ids))))
    item_ids = {claim.item_id for claim in claims}
    item_ids |= {match.user_item_id for match in matches} | {m.matched_item_id for m in matches}
    list(await uow.scalars(select(Item).where(Item.id.in_(item_ids))))  # kept in the unit of work
