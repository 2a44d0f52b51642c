"""Matches between lost and found reports: listing them for either owner and the two-sided
confirmation that ends in contact details being shared.

A pair is stored once, always as user_item = the lost report, matched_item = the found one;
each owner sees the other side as "matched_item".
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from mafqood.core.errors import AppError, NotFound
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.items.presenters import item_out
from mafqood.items.schemas import MatchOut
from mafqood.lifecycle.models import Claim, Match
from mafqood.storage import Storage
from mafqood.users.models import User
from mafqood.venues.access import acts_for

CLOSED_STATUSES = ("rejected", "expired")
# Made once: SQLAlchemy adapts every column of an alias on first use, which cost more CPU
# than the rest of a GET .../matches request when the aliases were made per request.
_LOST, _FOUND = aliased(Item, name="lost_item"), aliased(Item, name="found_item")


class MatchClosed(AppError):
    status_code = 409
    code = "match_closed"


@dataclass(frozen=True)
class MatchFilter:
    min_similarity: float = 0.0
    confidence: str | None = None
    include_closed: bool = False


def present(match: Match, mine: Item, other: Item, storage: Storage) -> MatchOut:
    mine_is_lost = match.user_item_id == mine.id
    return MatchOut(
        id=match.id,
        matched_item=item_out(other, storage),
        similarity=match.similarity_score,
        confidence=match.confidence,
        matching_features=match.matching_features,
        status=match.status,
        confirmed_by_me=(
            match.user_item_owner_confirmed if mine_is_lost else match.matched_item_owner_confirmed
        ),
        confirmed_by_other=(
            match.matched_item_owner_confirmed if mine_is_lost else match.user_item_owner_confirmed
        ),
        created_at=match.created_at,
    )


async def matches_for_items(
    session: UnitOfWork,
    storage: Storage,
    items: Iterable[Item],
    match_filter: MatchFilter = MatchFilter(),
) -> dict[uuid.UUID, list[MatchOut]]:
    """Each item's matches, best first, in one query."""
    by_id = {item.id: item for item in items}
    result: dict[uuid.UUID, list[MatchOut]] = defaultdict(list)
    if not by_id:
        return result
    lost, found = _LOST, _FOUND
    statement = (
        select(Match, lost, found)
        .join(lost, Match.user_item_id == lost.id)
        .join(found, Match.matched_item_id == found.id)
        .where(
            or_(Match.user_item_id.in_(by_id), Match.matched_item_id.in_(by_id)),
            Match.similarity_score >= match_filter.min_similarity,
        )
        .order_by(Match.similarity_score.desc(), Match.created_at.desc())
    )
    if not match_filter.include_closed:
        statement = statement.where(Match.status.not_in(CLOSED_STATUSES))
    if match_filter.confidence:
        statement = statement.where(Match.confidence == match_filter.confidence)
    for match, lost_item, found_item in await session.execute(statement):
        for mine, other in ((lost_item, found_item), (found_item, lost_item)):
            if mine.id in by_id and not other.is_hidden:
                result[mine.id].append(present(match, mine, other, storage))
    return result


async def awaits_claim(session: UnitOfWork, lost: Item, found: Item) -> bool:
    """The finder asked questions (control details) that the lost side's owner has not yet
    answered in an approved claim: two yeses alone do not share contacts then, since anyone
    can say "mine" to a photo."""
    if not found.control_details:
        return False
    approved = await session.scalar(
        select(Claim.id)
        .where(
            Claim.item_id == found.id,
            Claim.claimant_id == lost.user_id,
            Claim.status == "approved",
        )
        .limit(1)
    )
    return approved is None


async def confirm(
    session: UnitOfWork, user: User, match_id: uuid.UUID, confirmed: bool, notes: str | None
) -> tuple[Match, Item, Item]:
    """Record one side's answer (the lost report's owner; the found report's, or a member of
    the venue holding it). Both yes: contact details are shared and both items become
    "matched", unless the found item has control details (see awaits_claim): the match then
    stays pending until a claim is approved. One no: the match is closed. Returns (match,
    lost item, found item)."""
    match = await session.get(Match, match_id, with_for_update=True)
    if match is None:
        raise NotFound()
    lost = await session.get(Item, match.user_item_id, with_for_update=True)
    found = await session.get(Item, match.matched_item_id, with_for_update=True)
    assert lost is not None and found is not None  # foreign keys with ON DELETE CASCADE
    lost_side = user.id == lost.user_id
    if not lost_side and not await acts_for(session, user, found):
        raise NotFound()  # a stranger learns nothing, not even that the match exists
    if match.status in CLOSED_STATUSES or match.status == "claimed":
        raise MatchClosed()
    if lost_side:
        match.user_item_owner_confirmed = confirmed
        match.user_item_owner_notes = notes
    else:
        match.matched_item_owner_confirmed = confirmed
        match.matched_item_owner_notes = notes
    if not confirmed:
        match.status = "rejected"
        for item in (lost, found):
            if item.status == "matched":
                item.status = "open"
    elif (
        match.user_item_owner_confirmed
        and match.matched_item_owner_confirmed
        and not await awaits_claim(session, lost, found)
    ):
        share_contacts(match, lost, found)
    match.updated_at = func.now()
    await session.flush()
    await session.refresh(match)
    return match, lost, found


def share_contacts(match: Match, lost: Item, found: Item) -> None:
    """Both sides agreed (or the finder approved the owner's claim): each may now see the
    other's contact details, and open reports become "matched"."""
    match.user_item_owner_confirmed = True
    match.matched_item_owner_confirmed = True
    match.status = "contacted"
    for item in (lost, found):
        if item.status == "open":
            item.status = "matched"
    match.updated_at = func.now()
