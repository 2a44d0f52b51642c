"""Claims: someone says a found item is theirs and answers the finder's hidden questions
(the item's control details). Filing, reading and listing them; deciding is in decisions.py.

The finder side (the reporter, or any member of the venue holding the item) sees the
answers beside the control details; the claimant sees their claim without them; anyone
else is told "not found".
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from mafqood.audit import service as audit
from mafqood.core.errors import Conflict, FieldError, NotFound, RateLimited
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim
from mafqood.notifications.service import notify
from mafqood.photos.service import photo_urls
from mafqood.storage import Storage
from mafqood.users.models import User
from mafqood.venues.access import acts_for, recipients
from mafqood.venues.claim_schemas import (
    ClaimantOut,
    ClaimIn,
    ClaimItemOut,
    ClaimOut,
    ClaimReviewOut,
)
from mafqood.venues.models import Venue

CLAIMABLE_STATUSES = ("open", "matched")
# Guessing at hidden details: a claimant has three tries per item, and an item draws at most
# ten wrong claims a day, however many accounts try.
MAX_REJECTED_PER_CLAIMANT = 3
MAX_REJECTED_PER_ITEM = 10
REJECTED_WINDOW = timedelta(hours=24)

ClaimRow = tuple[Claim, Item, User]


async def file_claim(
    session: UnitOfWork, user: User, item_id: uuid.UUID, data: ClaimIn, client: ClientInfo
) -> tuple[Claim, Item]:
    # The item is locked so that the counts below cannot be raced by parallel claims.
    item = await session.get(Item, item_id, with_for_update=True)
    if item is None or item.type != "found" or (item.is_hidden and item.user_id != user.id):
        raise NotFound()
    if await acts_for(session, user, item):
        raise Conflict("claim_own_item")
    if item.status not in CLAIMABLE_STATUSES:
        raise Conflict("item_not_claimable")
    of_item = select(Claim.id).where(Claim.item_id == item.id)
    pending = of_item.where(Claim.claimant_id == user.id, Claim.status == "pending")
    if await _count(session, pending):
        raise Conflict("claim_pending")
    rejected = of_item.where(Claim.status == "rejected")
    mine = await _count(session, rejected.where(Claim.claimant_id == user.id))
    recent = await _count(session, rejected.where(Claim.decided_at >= func.now() - REJECTED_WINDOW))
    if mine >= MAX_REJECTED_PER_CLAIMANT or recent >= MAX_REJECTED_PER_ITEM:
        raise RateLimited("too_many_claims")
    if data.lost_item_id is not None:
        lost = await session.get(Item, data.lost_item_id)
        if lost is None or lost.type != "lost" or lost.user_id != user.id:
            raise FieldError("lost_item_id", "not_your_report")
    claim = Claim(
        item_id=item.id, claimant_id=user.id, lost_item_id=data.lost_item_id, answers=data.answers
    )
    try:
        async with session.begin_nested():
            session.add(claim)
            await session.flush()
    except IntegrityError as exc:  # the same claim sent twice at once (uq_claims_pending)
        raise Conflict("claim_pending") from exc
    await session.refresh(claim)
    for user_id in await recipients(session, item):
        await notify(
            session,
            user_id,
            "claim",
            "notify.claim_received",
            params={"item_title": item.title},
            item_id=item.id,
            event={"type": "claim_received", "claim_id": str(claim.id), "item_id": str(item.id)},
        )
    audit.record(
        session,
        "claim_created",
        client,
        user_id=user.id,
        entity_type="claim",
        entity_id=claim.id,
        data={"item_id": str(item.id)},
    )
    return claim, item


async def _count(session: UnitOfWork, statement: Select[uuid.UUID]) -> int:
    return int(await session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


async def held_item(session: UnitOfWork, item_id: uuid.UUID, user: User) -> Item:
    """A found item the user holds, for reading (access.finder_side_item locks it)."""
    item = await session.get(Item, item_id)
    if item is None or item.type != "found" or not await acts_for(session, user, item):
        raise NotFound()
    return item


async def viewed_claim(
    session: UnitOfWork, claim_id: uuid.UUID, user: User
) -> tuple[ClaimRow, bool]:
    """The claim with its item and claimant, and whether the viewer is on the finder side."""
    claim = await session.get(Claim, claim_id)
    item = await session.get(Item, claim.item_id) if claim is not None else None
    if claim is None or item is None:
        raise NotFound()
    finder_side = await acts_for(session, user, item)
    if not finder_side and claim.claimant_id != user.id:
        raise NotFound()
    claimant = await session.get(User, claim.claimant_id)
    assert claimant is not None  # ON DELETE CASCADE
    return (claim, item, claimant), finder_side


def _listing() -> Select[Claim, Item, User]:
    return (
        select(Claim, Item, User)
        .join(Item, Item.id == Claim.item_id)
        .join(User, User.id == Claim.claimant_id)
    )


async def item_claims(
    session: UnitOfWork, item: Item, status: str | None, page: int, page_size: int
) -> tuple[list[ClaimRow], int]:
    return await _page(session, _listing().where(Claim.item_id == item.id), status, page, page_size)


async def venue_claims(
    session: UnitOfWork, venue: Venue, status: str | None, page: int, page_size: int
) -> tuple[list[ClaimRow], int]:
    statement = _listing().where(Item.venue_id == venue.id)
    return await _page(session, statement, status, page, page_size)


async def my_claims(
    session: UnitOfWork, user: User, status: str | None, page: int, page_size: int
) -> tuple[list[ClaimRow], int]:
    statement = _listing().where(Claim.claimant_id == user.id)
    return await _page(session, statement, status, page, page_size)


async def _page(
    session: UnitOfWork,
    statement: Select[Claim, Item, User],
    status: str | None,
    page: int,
    page_size: int,
) -> tuple[list[ClaimRow], int]:
    """Newest first, with the total across all pages."""
    if status:
        statement = statement.where(Claim.status == status)
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = await session.execute(
        statement.order_by(Claim.created_at.desc(), Claim.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return [(claim, item, user) for claim, item, user in rows], int(total or 0)


def claim_out(claim: Claim, item: Item, storage: Storage) -> ClaimOut:
    thumbnail = photo_urls(storage, item.image_key)[1] if item.image_key else item.thumbnail_url
    return ClaimOut(
        id=claim.id,
        item=ClaimItemOut(
            id=item.id,
            title=item.title,
            category=item.category,
            status=item.status,
            thumbnail_url=thumbnail,
        ),
        lost_item_id=claim.lost_item_id,
        answers=claim.answers,
        status=claim.status,
        reason=claim.reason,
        decided_at=claim.decided_at,
        created_at=claim.created_at,
        updated_at=claim.updated_at,
    )


def review_out(claim: Claim, item: Item, claimant: User, storage: Storage) -> ClaimReviewOut:
    """For the finder side: the claimant's contact only once the claim is approved."""
    contact = (claimant.phone or claimant.email) if claim.status == "approved" else None
    return ClaimReviewOut(
        **claim_out(claim, item, storage).model_dump(),
        control_details=item.control_details,
        tag_code=item.tag_code,
        claimant=ClaimantOut(id=claimant.id, full_name=claimant.full_name, contact=contact),
        decided_by=claim.decided_by,
    )
