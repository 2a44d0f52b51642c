"""The one order in which a use case locks the rows of an item's life: matches, then the lost
report, then the found report, then claims. Two use cases that touch the same rows (a claim
decided while its match is being confirmed, a handover while the item's claims are decided,
a disposal while one of its matches is answered) then wait for each other instead of
deadlocking."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim, Match
from mafqood.lifecycle.statuses import ClaimStatus, MatchStatus


@dataclass(frozen=True)
class Locked:
    match: Match | None = None
    lost: Item | None = None
    found: Item | None = None
    # The found item's pending claims, when asked for.
    pending_claims: list[Claim] = field(default_factory=list)


async def lock(
    uow: UnitOfWork,
    *,
    match_id: uuid.UUID | None = None,
    lost_id: uuid.UUID | None = None,
    found_id: uuid.UUID | None = None,
    pending_matches: bool = False,
    claim: Claim | None = None,
    pending_claims: bool = False,
) -> Locked:
    """Lock, in order: the match `match_id` (its two reports then follow), or the match
    between `lost_id` and `found_id`; with pending_matches, every pending match of the found
    report; the lost report; the found report; `claim` (read again); with pending_claims,
    the found report's pending claims. A row that does not exist is None."""
    match = None
    if match_id is not None:
        match = await uow.get(Match, match_id, with_for_update=True)
        if match is None:
            return Locked()
        lost_id, found_id = match.user_item_id, match.matched_item_id
    elif lost_id is not None and found_id is not None:
        match = await uow.scalar(
            select(Match)
            .where(Match.user_item_id == lost_id, Match.matched_item_id == found_id)
            .with_for_update()
        )
    if pending_matches and found_id is not None:
        await uow.execute(
            select(Match.id)
            .where(
                or_(Match.user_item_id == found_id, Match.matched_item_id == found_id),
                Match.status == MatchStatus.PENDING,
            )
            .order_by(Match.id)
            .with_for_update()
        )
    lost = await uow.get(Item, lost_id, with_for_update=True) if lost_id is not None else None
    found = await uow.get(Item, found_id, with_for_update=True) if found_id is not None else None
    if claim is not None:
        await uow.refresh(claim, with_for_update=True)
    waiting: list[Claim] = []
    if pending_claims and found_id is not None:
        rows = await uow.scalars(
            select(Claim)
            .where(Claim.item_id == found_id, Claim.status == ClaimStatus.PENDING)
            .with_for_update()
        )
        waiting = list(rows.all())
    return Locked(match, lost, found, waiting)
