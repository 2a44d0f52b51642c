"""Claims on found items (answers to the finder's hidden questions), the finder side's
decisions, and handovers. The finder side is a found report's reporter, or any member of
the venue holding it; everyone else is told "not found"."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status

from mafqood.auth.deps import CurrentUser
from mafqood.composition.deps import ContainerDep
from mafqood.core.pagination import PageDep
from mafqood.core.request_context import ClientDep
from mafqood.core.web import SessionDep
from mafqood.users.models import User
from mafqood.venues import access, claims, decisions, handover
from mafqood.venues.claim_schemas import (
    ClaimIn,
    ClaimListOut,
    ClaimOut,
    ClaimReviewListOut,
    ClaimReviewOut,
    ClaimStatus,
    DecisionIn,
    HandoverIn,
    HandoverOut,
    ItemClaimsOut,
)

router = APIRouter(prefix="/api/v1", tags=["claims"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    404: {"description": "No such item, claim or venue, or not yours to see (not told apart)"},
}


@router.post(
    "/items/{item_id}/claims",
    status_code=status.HTTP_201_CREATED,
    response_model=ClaimOut,
    responses={
        **NOT_FOUND,
        409: {"description": "Your own item, a claim of yours already waits, or not claimable"},
        422: {"description": "Missing answers, or lost_item_id is not your own lost report"},
        429: {"description": "Too many claims on this item were rejected"},
    },
)
async def file_claim(
    item_id: uuid.UUID,
    data: ClaimIn,
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
    client: ClientDep,
) -> ClaimOut:
    """Claim a found item: describe what only its owner would know. The finder side checks
    your answers against its hidden details and approves (contacts are shared) or rejects."""
    claim, item = await claims.file_claim(db, user, item_id, data, client)
    return claims.claim_out(claim, item, container.storage)


@router.get("/items/{item_id}/claims", response_model=ItemClaimsOut, responses=NOT_FOUND)
async def item_claims(
    item_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
    page: PageDep,
    status: ClaimStatus | None = None,
) -> ItemClaimsOut:
    """The claims on a found item you hold, newest first, beside its control details."""
    item = await claims.held_item(db, item_id, user)
    rows, total = await claims.item_claims(db, item, status, page.number, page.size)
    return ItemClaimsOut(
        item_id=item.id,
        control_details=item.control_details,
        claims=[claims.review_out(*row, container.storage) for row in rows],
        pagination=page.answer(total),
    )


@router.get("/claims", response_model=ClaimListOut, responses={401: NOT_FOUND[401]})
async def my_claims(
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
    page: PageDep,
    status: ClaimStatus | None = None,
) -> ClaimListOut:
    """Your own claims, newest first."""
    rows, total = await claims.my_claims(db, user, status, page.number, page.size)
    return ClaimListOut(
        claims=[claims.claim_out(claim, item, container.storage) for claim, item, _ in rows],
        pagination=page.answer(total),
    )


@router.get("/claims/{claim_id}", response_model=ClaimReviewOut | ClaimOut, responses=NOT_FOUND)
async def get_claim(
    claim_id: uuid.UUID, user: CurrentUser, db: SessionDep, container: ContainerDep
) -> ClaimReviewOut | ClaimOut:
    """The claimant sees their claim; the finder side sees it with the control details and
    the claimant."""
    row, finder_side = await claims.viewed_claim(db, claim_id, user)
    if finder_side:
        return claims.review_out(*row, container.storage)
    claim, item, _ = row
    return claims.claim_out(claim, item, container.storage)


@router.post(
    "/claims/{claim_id}/decision",
    response_model=ClaimReviewOut,
    responses={
        **NOT_FOUND,
        409: {"description": "Already decided, or the item can no longer be claimed"},
        422: {"description": "A rejection without a reason"},
    },
)
async def decide_claim(
    claim_id: uuid.UUID,
    data: DecisionIn,
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
    client: ClientDep,
) -> ClaimReviewOut:
    """Approve (contacts are shared with the claimant; the item becomes "matched") or reject
    with a reason (told to the claimant). Finder side only."""
    claim, item = await decisions.decide(db, user, claim_id, data, client)
    claimant = await db.get(User, claim.claimant_id)
    assert claimant is not None  # ON DELETE CASCADE
    return claims.review_out(claim, item, claimant, container.storage)


@router.get("/venues/{venue_id}/claims", response_model=ClaimReviewListOut, responses=NOT_FOUND)
async def venue_claims(
    venue_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
    page: PageDep,
    status: ClaimStatus | None = None,
) -> ClaimReviewListOut:
    """The claims on all the venue's items, newest first (?status=pending: the queue)."""
    venue = await access.member_venue(db, venue_id, user)
    rows, total = await claims.venue_claims(db, venue, status, page.number, page.size)
    return ClaimReviewListOut(
        claims=[claims.review_out(*row, container.storage) for row in rows],
        pagination=page.answer(total),
    )


@router.post(
    "/items/{item_id}/handover",
    status_code=status.HTTP_201_CREATED,
    response_model=HandoverOut,
    responses={
        **NOT_FOUND,
        409: {"description": "Already handed over, or disposed of"},
        422: {"description": "Invalid field; id_type missing although the ID was checked"},
    },
)
async def hand_over(
    item_id: uuid.UUID, data: HandoverIn, user: CurrentUser, db: SessionDep, client: ClientDep
) -> HandoverOut:
    """Record who collected the item. It becomes "claimed"; other waiting claims are closed;
    with an approved claim, the claimant's lost report and its match become "claimed" too.
    Of an ID only its type and last 4 characters are kept. Finder side only."""
    return HandoverOut.model_validate(await handover.hand_over(db, user, item_id, data, client))


@router.get("/items/{item_id}/handover", response_model=HandoverOut, responses=NOT_FOUND)
async def get_handover(item_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> HandoverOut:
    """How a found item you hold was handed over (404 until it is)."""
    item = await claims.held_item(db, item_id, user)
    return HandoverOut.model_validate(await handover.handover_of(db, item))
