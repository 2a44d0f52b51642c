"""Matches between lost and found reports: stored once per pair as the matching engine
proposes them, answered by either side until contacts are shared (or a no closes them),
expired when nobody acts on them.

A pair is stored once, always as user_item = the lost report, matched_item = the found one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.dialects.postgresql import insert

from mafqood.audit import service as audit
from mafqood.core.errors import NotFound
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle import notices
from mafqood.lifecycle.access import Side, side_of
from mafqood.lifecycle.locks import lock
from mafqood.lifecycle.models import Claim, Match
from mafqood.lifecycle.statuses import ITEM, MATCH, ClaimStatus, ItemStatus, MatchStatus
from mafqood.users.models import User


@dataclass(frozen=True)
class Proposal:
    """A pair the matching engine scored high enough to show both sides."""

    lost_id: uuid.UUID
    found_id: uuid.UUID
    similarity: float
    confidence: str
    features: dict[str, Any]


async def propose(uow: UnitOfWork, item: Item, proposals: Sequence[Proposal]) -> list[Match]:
    """Store the pairs the engine found for `item`; each new pair is told to both sides. A
    pair that exists already (found from the other side, or by a reindex) is left as it is
    and not told again. Takes no row lock: inserting only share-locks the two reports' keys,
    so any number of reports of one object can be matched at the same moment."""
    created: list[tuple[Match, uuid.UUID]] = []
    for proposal in proposals:
        inserted = await uow.execute(
            insert(Match)
            .values(
                user_item_id=proposal.lost_id,
                matched_item_id=proposal.found_id,
                similarity_score=proposal.similarity,
                confidence=proposal.confidence,
                matching_features=proposal.features,
            )
            .on_conflict_do_nothing()
            .returning(Match.id)
        )
        match_id = inserted.scalar_one_or_none()
        if match_id is None:
            continue
        match = await uow.get(Match, match_id)
        assert match is not None
        other_id = proposal.found_id if proposal.lost_id == item.id else proposal.lost_id
        created.append((match, other_id))
    for match, other_id in created:
        other = await uow.get(Item, other_id)
        assert other is not None
        lost, found = (item, other) if item.id == match.user_item_id else (other, item)
        await notices.new_match(uow, match, lost, found)
    return [match for match, _ in created]


@dataclass(frozen=True)
class AnswerMatch:
    match_id: uuid.UUID
    confirmed: bool
    notes: str | None = None


@dataclass(frozen=True)
class Answered:
    match: Match
    lost: Item
    found: Item


async def answer(
    uow: UnitOfWork, actor: User, command: AnswerMatch, *, client: ClientInfo
) -> Answered:
    """Record one side's answer (the lost report's owner; the found report's, or a member of
    the venue holding it). Both yes: contact details are shared and both items become
    "matched", unless the found item has control details (see awaits_claim): the match then
    stays pending until a claim is approved. One no: the match is closed."""
    locked = await lock(uow, match_id=command.match_id)
    match, lost, found = locked.match, locked.lost, locked.found
    if match is None:
        raise NotFound()
    assert lost is not None and found is not None  # foreign keys with ON DELETE CASCADE
    side = await side_of(uow, actor, lost, found)
    MATCH.check(match, MatchStatus.REJECTED)  # answered while a no could still close it
    if side is Side.LOST:
        match.user_item_owner_confirmed = command.confirmed
        match.user_item_owner_notes = command.notes
    else:
        match.matched_item_owner_confirmed = command.confirmed
        match.matched_item_owner_notes = command.notes
    if not command.confirmed:
        MATCH.move(match, MatchStatus.REJECTED)
        for item in (lost, found):
            if item.status == ItemStatus.MATCHED:
                ITEM.move(item, ItemStatus.OPEN)
    elif (
        match.user_item_owner_confirmed
        and match.matched_item_owner_confirmed
        and not await awaits_claim(uow, lost, found)
    ):
        share_contacts(match, lost, found)
    match.updated_at = func.now()
    await uow.flush()
    await uow.refresh(match)
    await notices.answered(uow, match, lost, found, side)
    audit.record(
        uow,
        "match_confirmed" if command.confirmed else "match_rejected",
        client,
        user_id=actor.id,
        entity_type="match",
        entity_id=match.id,
    )
    return Answered(match, lost, found)


async def awaits_claim(uow: UnitOfWork, lost: Item, found: Item) -> bool:
    """The finder asked questions (control details) that the lost side's owner has not yet
    answered in an approved claim: two yeses alone do not share contacts then, since anyone
    can say "mine" to a photo."""
    if not found.control_details:
        return False
    approved = await uow.scalar(
        select(Claim.id)
        .where(
            Claim.item_id == found.id,
            Claim.claimant_id == lost.user_id,
            Claim.status == ClaimStatus.APPROVED,
        )
        .limit(1)
    )
    return approved is None


def share_contacts(match: Match, lost: Item, found: Item) -> None:
    """Both sides agreed (or the finder approved the owner's claim): each may now see the
    other's contact details, and open reports become "matched"."""
    match.user_item_owner_confirmed = True
    match.matched_item_owner_confirmed = True
    if match.status != MatchStatus.CONTACTED:
        MATCH.move(match, MatchStatus.CONTACTED)
    for item in (lost, found):
        if item.status == ItemStatus.OPEN:
            ITEM.move(item, ItemStatus.MATCHED)
    match.updated_at = func.now()


async def expire(uow: UnitOfWork, *where: ColumnElement[bool]) -> int:
    """Expire the matches that may expire (pending ones) among those `where` selects."""
    result = await uow.execute(
        update(Match)
        .where(Match.status.in_(MATCH.sources(MatchStatus.EXPIRED)), *where)
        .values(status=MatchStatus.EXPIRED.value, updated_at=func.now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def expire_unanswered(uow: UnitOfWork, older_than: timedelta) -> int:
    """Matches nobody acted on for `older_than`. Returns how many expired."""
    return await expire(uow, Match.updated_at < func.now() - older_than)
