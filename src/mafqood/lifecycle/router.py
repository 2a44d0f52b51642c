"""The HTTP side of a found item's life: a report as its viewer may see it and its owner's
status changes (under "items"); claims on found items (answers to the finder's hidden
questions), the finder side's decisions and handovers (under "claims"). The finder side is a
found report's reporter, or any member of the venue holding it; everyone else is told "not
found". Answering a match is matching's route (matching.router)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status

from mafqood.core.pagination import PageDep
from mafqood.core.request_context import ClientDep
from mafqood.core.web import SessionDep
from mafqood.items import service as items
from mafqood.items.presenters import item_detail
from mafqood.items.schemas import ItemDetailOut, StatusOut, StatusUpdateIn
from mafqood.lifecycle import access, claims, decisions, handover, owner
from mafqood.lifecycle.presenters import claim_out, review_out
from mafqood.lifecycle.schemas import (
    ClaimIn,
    ClaimListOut,
    ClaimOut,
    ClaimReviewListOut,
    ClaimReviewOut,
    ClaimStatusName,
    DecisionIn,
    HandoverIn,
    HandoverOut,
    ItemClaimsOut,
)
from mafqood.lifecycle.statuses import ItemStatus
from mafqood.storage.deps import StorageDep
from mafqood.users.deps import CurrentUser, OptionalUser
from mafqood.users.models import User
from mafqood.venues.access import member_venue

report_router = APIRouter(prefix="/api/v1", tags=["items"])
claim_router = APIRouter(prefix="/api/v1", tags=["claims"])

NOT_YOURS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such item, or not yours (the two are not told apart)"}
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    404: {"description": "No such item, claim or venue, or not yours to see (not told apart)"},
}


@report_router.get("/items/{item_id}", response_model=ItemDetailOut, responses=NOT_YOURS)
async def get_item(
    item_id: uuid.UUID, viewer: OptionalUser, db: SessionDep, storage: StorageDep
) -> ItemDetailOut:
    """One report with its owner. Contact details only for the owner and a confirmed match."""
    item = await access.visible_item(db, item_id, viewer)
    await items.count_view(db, item, viewer)
    return item_detail(
        item,
        storage,
        await access.photo_access(db, viewer),
        show_contact=await access.contact_visible(db, item, viewer),
        owner=await access.owner_of(db, item),
    )


@report_router.put(
    "/items/{item_id}/status",
    response_model=StatusOut,
    responses={**NOT_YOURS, 409: {"description": "That change is not allowed from this status"}},
)
async def update_status(
    item_id: uuid.UUID, body: StatusUpdateIn, user: CurrentUser, db: SessionDep
) -> StatusOut:
    command = owner.ChangeStatus(item_id, ItemStatus(body.status))
    item = await owner.change_status(db, user, command)
    return StatusOut(id=item.id, status=body.status, updated_at=item.updated_at)


@claim_router.post(
    "/items/{item_id}/claims",
    status_code=status.HTTP_201_CREATED,
    response_model=ClaimOut,
    responses={
        **NOT_FOUND,
        409: {"description": "Your own item, a claim of yours already waits, or not claimable"},
        422: {"description": "Missing answers, or lost_item_id is not your own lost report"},
        429: {
            "description": "Three of your claims on this item were rejected within a day; "
            "Retry-After says when to try again"
        },
    },
)
async def file_claim(
    item_id: uuid.UUID,
    data: ClaimIn,
    user: CurrentUser,
    db: SessionDep,
    storage: StorageDep,
    client: ClientDep,
) -> ClaimOut:
    """Claim a found item: describe what only its owner would know. The finder side checks
    your answers against its hidden details and approves (contacts are shared) or rejects."""
    claim, item = await claims.file_claim(db, user, claims.FileClaim(item_id, data), client=client)
    return claim_out(claim, item, storage)


@claim_router.get("/items/{item_id}/claims", response_model=ItemClaimsOut, responses=NOT_FOUND)
async def item_claims(
    item_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    storage: StorageDep,
    page: PageDep,
    status: ClaimStatusName | None = None,
) -> ItemClaimsOut:
    """The claims on a found item you hold, newest first, beside its control details."""
    item = await access.held_item(db, user, item_id)
    rows, total = await claims.item_claims(db, item, status, page.number, page.size)
    return ItemClaimsOut(
        item_id=item.id,
        control_details=item.control_details,
        claims=[review_out(*row, storage) for row in rows],
        pagination=page.answer(total),
    )


@claim_router.get("/claims", response_model=ClaimListOut, responses={401: NOT_FOUND[401]})
async def my_claims(
    user: CurrentUser,
    db: SessionDep,
    storage: StorageDep,
    page: PageDep,
    status: ClaimStatusName | None = None,
) -> ClaimListOut:
    """Your own claims, newest first."""
    rows, total = await claims.my_claims(db, user, status, page.number, page.size)
    return ClaimListOut(
        claims=[claim_out(claim, item, storage) for claim, item, _ in rows],
        pagination=page.answer(total),
    )


@claim_router.get(
    "/claims/{claim_id}", response_model=ClaimReviewOut | ClaimOut, responses=NOT_FOUND
)
async def get_claim(
    claim_id: uuid.UUID, user: CurrentUser, db: SessionDep, storage: StorageDep
) -> ClaimReviewOut | ClaimOut:
    """The claimant sees their claim; the finder side sees it with the control details and
    the claimant."""
    row, finder_side = await claims.viewed_claim(db, claim_id, user)
    if finder_side:
        return review_out(*row, storage)
    claim, item, _ = row
    return claim_out(claim, item, storage)


@claim_router.post(
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
    storage: StorageDep,
    client: ClientDep,
) -> ClaimReviewOut:
    """Approve (contacts are shared with the claimant; the item becomes "matched") or reject
    with a reason (told to the claimant). Finder side only."""
    claim, item = await decisions.decide(
        db, user, decisions.DecideClaim(claim_id, data), client=client
    )
    claimant = await db.get(User, claim.claimant_id)
    assert claimant is not None  # ON DELETE CASCADE
    return review_out(claim, item, claimant, storage)


@claim_router.get(
    "/venues/{venue_id}/claims", response_model=ClaimReviewListOut, responses=NOT_FOUND
)
async def venue_claims(
    venue_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    storage: StorageDep,
    page: PageDep,
    status: ClaimStatusName | None = None,
) -> ClaimReviewListOut:
    """The claims on all the venue's items, newest first (?status=pending: the queue)."""
    venue = await member_venue(db, venue_id, user)
    rows, total = await claims.venue_claims(db, venue, status, page.number, page.size)
    return ClaimReviewListOut(
        claims=[review_out(*row, storage) for row in rows],
        pagination=page.answer(total),
    )


@claim_router.post(
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
    record = await handover.hand_over(db, user, handover.HandOver(item_id, data), client=client)
    return HandoverOut.model_validate(record)


@claim_router.get("/items/{item_id}/handover", response_model=HandoverOut, responses=NOT_FOUND)
async def get_handover(item_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> HandoverOut:
    """How a found item you hold was handed over (404 until it is)."""
    item = await access.held_item(db, user, item_id)
    return HandoverOut.model_validate(await handover.handover_of(db, item))
