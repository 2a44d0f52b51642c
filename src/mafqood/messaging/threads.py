"""Who may read and write a thread, and in what state it is.

A match's thread is between its two sides as lifecycle.access knows them: the lost report's
owner ("owner") and the found report's finder side ("finder": its reporter, or every member
of the venue holding it). A claim's thread is between the claimant ("owner") and the claimed
item's finder side. Everyone else is told "not found", exactly like for a missing thread.

A thread is read-only once it is blocked, once the match was rejected or expired, or once one
of its reports is closed or claimed; such a report's threads can be read for
READ_ONLY_DAYS after its last change and are then gone for everyone (404), until the hourly
job deletes them (retention.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from mafqood.core.errors import NotFound
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle import notices
from mafqood.lifecycle.access import Side, acts_for, side_of
from mafqood.lifecycle.models import Claim, Match
from mafqood.lifecycle.statuses import (
    CONTACTS_SHARED,
    MATCH_CLOSED,
    ClaimStatus,
    ItemStatus,
)
from mafqood.messaging.models import MessageThread
from mafqood.users.models import User

READ_ONLY_DAYS = 30
ENDED = (ItemStatus.CLOSED, ItemStatus.CLAIMED)


class Party(StrEnum):
    OWNER = "owner"  # the lost report's owner, or the claimant
    FINDER = "finder"  # the found report's reporter, or the venue holding it

    @property
    def other(self) -> Party:
        return Party.FINDER if self is Party.OWNER else Party.OWNER


@dataclass
class Place:
    """A participant's view of a thread: its subject, their side, and its state."""

    thread: MessageThread
    party: Party
    found: Item
    lost: Item | None  # a match's lost report
    match: Match | None
    claim: Claim | None
    now: datetime

    @property
    def shared(self) -> bool:
        """Contacts were shared: both said yes to the match, or the claim was approved."""
        if self.match is not None:
            return self.match.status in CONTACTS_SHARED
        assert self.claim is not None
        return self.claim.status == ClaimStatus.APPROVED

    @property
    def reports(self) -> list[Item]:
        return [item for item in (self.lost, self.found) if item is not None]

    @property
    def read_only(self) -> str | None:
        """Why nobody may write any more (None: open)."""
        if self.thread.blocked_at is not None:
            return "blocked"
        if self.match is not None and self.match.status in MATCH_CLOSED:
            return "match_closed"
        if any(item.status in ENDED for item in self.reports):
            return "item_closed"
        return None

    @property
    def gone(self) -> bool:
        ended = [item.updated_at for item in self.reports if item.status in ENDED]
        return bool(ended) and min(ended) < self.now - timedelta(days=READ_ONLY_DAYS)

    def owner_id(self) -> uuid.UUID:
        if self.claim is not None:
            return self.claim.claimant_id
        assert self.lost is not None
        return self.lost.user_id

    async def members(self, uow: UnitOfWork, party: Party) -> list[uuid.UUID]:
        """The accounts that read and write for `party`."""
        if party is Party.OWNER:
            return [self.owner_id()]
        return await notices.recipients(uow, self.found)


async def _match_place(
    uow: UnitOfWork, user: User, thread: MessageThread, match: Match | None
) -> Place:
    if match is None:
        raise NotFound()
    lost = await uow.get(Item, match.user_item_id)
    found = await uow.get(Item, match.matched_item_id)
    assert lost is not None and found is not None  # ON DELETE CASCADE
    side = await side_of(uow, user, lost, found)
    party = Party.OWNER if side is Side.LOST else Party.FINDER
    return Place(thread, party, found, lost, match, None, datetime.now(UTC))


async def _claim_place(
    uow: UnitOfWork, user: User, thread: MessageThread, claim: Claim | None
) -> Place:
    if claim is None:
        raise NotFound()
    found = await uow.get(Item, claim.item_id)
    assert found is not None  # ON DELETE CASCADE
    if claim.claimant_id == user.id:
        party = Party.OWNER
    elif await acts_for(uow, user, found):
        party = Party.FINDER
    else:
        raise NotFound()
    return Place(thread, party, found, None, None, claim, datetime.now(UTC))


async def place_in(
    uow: UnitOfWork, user: User, thread_id: uuid.UUID, *, lock: bool = False
) -> Place:
    """The user's place in the thread (locked for writing when `lock`), or 404."""
    place = await _place(uow, user, thread_id, lock)
    if place.gone:
        raise NotFound()
    return place


async def listed_place(uow: UnitOfWork, user: User, thread_id: uuid.UUID) -> Place | None:
    """As place_in, for a listing: None for a thread that is gone."""
    place = await _place(uow, user, thread_id, False)
    return None if place.gone else place


async def _place(uow: UnitOfWork, user: User, thread_id: uuid.UUID, lock: bool) -> Place:
    thread = await uow.get(MessageThread, thread_id, with_for_update=lock, populate_existing=lock)
    if thread is None:
        raise NotFound()
    if thread.match_id is not None:
        place = await _match_place(uow, user, thread, await uow.get(Match, thread.match_id))
    else:
        assert thread.claim_id is not None
        place = await _claim_place(uow, user, thread, await uow.get(Claim, thread.claim_id))
    return place


async def _thread_of(uow: UnitOfWork, **subject: uuid.UUID) -> MessageThread:
    """The subject's thread, made on first use (two first uses at once make one)."""
    ((column, value),) = subject.items()
    await uow.execute(insert(MessageThread).values(**subject).on_conflict_do_nothing())
    thread = await uow.scalar(select(MessageThread).where(getattr(MessageThread, column) == value))
    assert thread is not None
    return thread


async def match_thread(uow: UnitOfWork, user: User, match_id: uuid.UUID) -> Place:
    """The thread of a match, for either of its sides."""
    match = await uow.get(Match, match_id)
    if match is None:
        raise NotFound()
    # Access first: a stranger must not make a thread appear.
    probe = MessageThread(id=uuid.uuid4(), match_id=match.id)
    await _match_place(uow, user, probe, match)
    return await place_in(uow, user, (await _thread_of(uow, match_id=match.id)).id)


async def claim_thread(uow: UnitOfWork, user: User, claim_id: uuid.UUID) -> Place:
    """The thread of a claim, for the claimant and the claimed item's finder side."""
    claim = await uow.get(Claim, claim_id)
    if claim is None:
        raise NotFound()
    probe = MessageThread(id=uuid.uuid4(), claim_id=claim.id)
    await _claim_place(uow, user, probe, claim)
    return await place_in(uow, user, (await _thread_of(uow, claim_id=claim.id)).id)
