"""Claims: someone says a found item is theirs and answers the finder's hidden questions
(the item's control details). Filing, reading and listing them; deciding is in decisions.py.

Anyone may claim a found report that is still held, a person's or a venue's, except its own
finder side. The finder side sees the answers beside the control details; the claimant sees
their claim without them; anyone else is told "not found".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from mafqood.audit import service as audit
from mafqood.core.errors import Conflict, FieldError, NotFound, RateLimited
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle import notices
from mafqood.lifecycle.access import acts_for
from mafqood.lifecycle.models import Claim
from mafqood.lifecycle.schemas import ClaimIn
from mafqood.lifecycle.statuses import HELD, ClaimStatus
from mafqood.users.models import User
from mafqood.venues.models import Venue

# Guessing at hidden details. A claimant has three tries per item a day (429 with
# Retry-After). An item is never closed to claims, since that would lock its real owner out
# too: once other accounts filed ten claims on it in a day, new claims are still filed but
# held for review (the desk sees the flag; venue members are alerted once), and nothing about
# the hold reaches the claimant.
MAX_REJECTED_PER_CLAIMANT = 3
CLAIMS_BEFORE_REVIEW = 10
CLAIMS_WINDOW = timedelta(hours=24)

ClaimRow = tuple[Claim, Item, User]


@dataclass(frozen=True)
class FileClaim:
    item_id: uuid.UUID
    claim: ClaimIn


async def file_claim(
    uow: UnitOfWork, actor: User, command: FileClaim, *, client: ClientInfo
) -> tuple[Claim, Item]:
    data = command.claim
    # Locked (one row: the found item) so that the counts below cannot be raced by parallel
    # claims.
    item = await uow.get(Item, command.item_id, with_for_update=True)
    if item is None or item.type != "found" or (item.is_hidden and item.user_id != actor.id):
        raise NotFound()
    if await acts_for(uow, actor, item):
        raise Conflict("claim_own_item")
    if item.venue_verified is False:
        raise NotFound()  # a pending venue's items are not shown to the public either
    if item.status not in HELD:
        raise Conflict("item_not_claimable")
    of_item = select(Claim.id).where(Claim.item_id == item.id)
    pending = of_item.where(Claim.claimant_id == actor.id, Claim.status == ClaimStatus.PENDING)
    if await _count(uow, pending):
        raise Conflict("claim_pending")
    await _check_claimant_limit(uow, item, actor)
    recent = of_item.where(Claim.created_at >= func.now() - CLAIMS_WINDOW)
    by_others = await _count(uow, recent.where(Claim.claimant_id != actor.id))
    held = by_others >= CLAIMS_BEFORE_REVIEW
    # One alert per wave of claims: none when a claim of the last day is already held.
    alert = held and not await _count(uow, recent.where(Claim.held_for_review.is_(True)))
    if data.lost_item_id is not None:
        lost = await uow.get(Item, data.lost_item_id)
        if lost is None or lost.type != "lost" or lost.user_id != actor.id:
            raise FieldError("lost_item_id", "not_your_report")
    claim = Claim(
        item_id=item.id,
        claimant_id=actor.id,
        lost_item_id=data.lost_item_id,
        answers=data.answers,
        held_for_review=held,
    )
    try:
        async with uow.begin_nested():
            uow.add(claim)
            await uow.flush()
    except IntegrityError as exc:  # the same claim sent twice at once (uq_claims_pending)
        raise Conflict("claim_pending") from exc
    await uow.refresh(claim)
    await notices.claim_received(uow, claim, item)
    if alert:
        await notices.many_claims(uow, item)
    audit.record(
        uow,
        "claim_created",
        client,
        user_id=actor.id,
        entity_type="claim",
        entity_id=claim.id,
        data={"item_id": str(item.id), "held_for_review": held},
    )
    return claim, item


async def _check_claimant_limit(uow: UnitOfWork, item: Item, actor: User) -> None:
    """At most MAX_REJECTED_PER_CLAIMANT rejected claims of the actor on the item within
    CLAIMS_WINDOW; Retry-After says when the oldest of those leaves the window."""
    decided = await uow.scalars(
        select(Claim.decided_at)
        .where(
            Claim.item_id == item.id,
            Claim.claimant_id == actor.id,
            Claim.status == ClaimStatus.REJECTED,
            Claim.decided_at >= func.now() - CLAIMS_WINDOW,
        )
        .order_by(Claim.decided_at.desc())
        .limit(MAX_REJECTED_PER_CLAIMANT)
    )
    latest = [when for when in decided if when is not None]
    if len(latest) < MAX_REJECTED_PER_CLAIMANT:
        return
    now = await uow.scalar(select(func.now()))
    assert now is not None
    wait = (latest[-1] + CLAIMS_WINDOW - now).total_seconds()
    raise RateLimited("too_many_claims", retry_after=wait)


async def _count(uow: UnitOfWork, statement: Select[uuid.UUID]) -> int:
    return int(await uow.scalar(select(func.count()).select_from(statement.subquery())) or 0)


async def viewed_claim(uow: UnitOfWork, claim_id: uuid.UUID, user: User) -> tuple[ClaimRow, bool]:
    """The claim with its item and claimant, and whether the viewer is on the finder side."""
    claim = await uow.get(Claim, claim_id)
    item = await uow.get(Item, claim.item_id) if claim is not None else None
    if claim is None or item is None:
        raise NotFound()
    finder_side = await acts_for(uow, user, item)
    if not finder_side and claim.claimant_id != user.id:
        raise NotFound()
    claimant = await uow.get(User, claim.claimant_id)
    assert claimant is not None  # ON DELETE CASCADE
    return (claim, item, claimant), finder_side


def _listing() -> Select[Claim, Item, User]:
    return (
        select(Claim, Item, User)
        .join(Item, Item.id == Claim.item_id)
        .join(User, User.id == Claim.claimant_id)
    )


async def item_claims(
    uow: UnitOfWork, item: Item, status: str | None, page: int, page_size: int
) -> tuple[list[ClaimRow], int]:
    return await _page(uow, _listing().where(Claim.item_id == item.id), status, page, page_size)


async def venue_claims(
    uow: UnitOfWork, venue: Venue, status: str | None, page: int, page_size: int
) -> tuple[list[ClaimRow], int]:
    statement = _listing().where(Item.venue_id == venue.id)
    return await _page(uow, statement, status, page, page_size)


async def my_claims(
    uow: UnitOfWork, user: User, status: str | None, page: int, page_size: int
) -> tuple[list[ClaimRow], int]:
    statement = _listing().where(Claim.claimant_id == user.id)
    return await _page(uow, statement, status, page, page_size)


async def _page(
    uow: UnitOfWork,
    statement: Select[Claim, Item, User],
    status: str | None,
    page: int,
    page_size: int,
) -> tuple[list[ClaimRow], int]:
    """Newest first, with the total across all pages."""
    if status:
        statement = statement.where(Claim.status == status)
    total = await uow.scalar(select(func.count()).select_from(statement.subquery()))
    rows = await uow.execute(
        statement.order_by(Claim.created_at.desc(), Claim.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return [(claim, item, user) for claim, item, user in rows], int(total or 0)
