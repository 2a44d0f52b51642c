"""Matches between lost and found reports as either owner sees them (answering them is a
found item's life: lifecycle.matches).

A pair is stored once, always as user_item = the lost report, matched_item = the found one;
each owner sees the other side as "matched_item".
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import BindParameter, Select, bindparam, or_, select
from sqlalchemy.orm import aliased

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.items.photo_access import PhotoAccess, Report
from mafqood.items.presenters import item_out
from mafqood.items.service import unlisted
from mafqood.lifecycle.models import Match
from mafqood.lifecycle.statuses import MATCH_CLOSED
from mafqood.matching.schemas import MatchOut
from mafqood.storage import Storage

# Made once: SQLAlchemy adapts every column of an alias on first use, which cost more CPU
# than the rest of a GET .../matches request when the aliases were made per request.
_LOST, _FOUND = aliased(Item, name="lost_item"), aliased(Item, name="found_item")
_UNLISTED = unlisted(_LOST) + unlisted(_FOUND)


@dataclass(frozen=True)
class MatchFilter:
    min_similarity: float = 0.0
    confidence: str | None = None
    include_closed: bool = False


def present(
    match: Match, mine: Item, other: Item, storage: Storage, access: PhotoAccess
) -> MatchOut:
    mine_is_lost = match.user_item_id == mine.id
    return MatchOut.model_construct(
        id=match.id,
        matched_item=item_out(other, storage, access),
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
    items: Iterable[Report],
    access: PhotoAccess,
    match_filter: MatchFilter = MatchFilter(),
) -> dict[uuid.UUID, list[MatchOut]]:
    """Each item's matches, best first, in one query; the other sides' photos as `access`
    may see them."""
    by_id = {item.id: item for item in items}
    result: dict[uuid.UUID, list[MatchOut]] = defaultdict(list)
    if not by_id:
        return result
    statement = _matches_of_items(match_filter.confidence, match_filter.include_closed)
    rows = await session.execute(
        statement, {"item_ids": list(by_id), "min_similarity": match_filter.min_similarity}
    )
    for match, lost_item, found_item in rows:
        for mine, other in ((lost_item, found_item), (found_item, lost_item)):
            if mine.id in by_id and not other.is_hidden:
                result[mine.id].append(present(match, mine, other, storage, access))
    return result


@functools.lru_cache(maxsize=32)
def _matches_of_items(confidence: str | None, include_closed: bool) -> Select[Match, Item, Item]:
    """Built once per kind of filter (see items/listing.py): the items and the least
    similarity are bound when it runs."""
    lost, found = _LOST, _FOUND
    item_ids: BindParameter[list[uuid.UUID]] = bindparam("item_ids", expanding=True)
    statement = (
        select(Match, lost, found)
        .join(lost, Match.user_item_id == lost.id)
        .join(found, Match.matched_item_id == found.id)
        .where(
            or_(Match.user_item_id.in_(item_ids), Match.matched_item_id.in_(item_ids)),
            Match.similarity_score >= bindparam("min_similarity"),
        )
        .order_by(Match.similarity_score.desc(), Match.created_at.desc())
        .options(*_UNLISTED)
    )
    if not include_closed:
        statement = statement.where(Match.status.not_in(MATCH_CLOSED))
    if confidence:
        statement = statement.where(Match.confidence == confidence)
    return statement
