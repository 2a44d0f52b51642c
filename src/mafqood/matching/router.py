from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from mafqood.core.request_context import ClientDep
from mafqood.core.web import SessionDep
from mafqood.items import service as items
from mafqood.lifecycle import matches
from mafqood.lifecycle.statuses import MatchStatus
from mafqood.matching import service
from mafqood.matching.schemas import (
    Confidence,
    ConfirmIn,
    ConfirmOut,
    MatchListOut,
    MatchStateOut,
)
from mafqood.storage.deps import StorageDep
from mafqood.users.deps import CurrentUser

router = APIRouter(prefix="/api/v1", tags=["matches"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    404: {"description": "No such item or match, or not yours (not told apart)"},
}


@router.get("/items/{item_id}/matches", response_model=MatchListOut, responses=NOT_FOUND)
async def item_matches(
    item_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    storage: StorageDep,
    min_similarity: Annotated[float, Query(ge=0.0, le=1.0)] = 0.6,
    confidence: Confidence | None = None,
) -> MatchListOut:
    """The matches of one of your reports, best first."""
    item = await items.get_owned_item(db, item_id, user)
    found = await service.matches_for_items(
        db,
        storage,
        [item],
        service.MatchFilter(min_similarity=min_similarity, confidence=confidence),
    )
    shown = found.get(item.id, [])
    return MatchListOut(matches=shown, total=len(shown))


@router.post(
    "/matches/{match_id}/confirm",
    response_model=ConfirmOut,
    responses={**NOT_FOUND, 409: {"description": "The match was already rejected or expired"}},
)
async def confirm_match(
    match_id: uuid.UUID, body: ConfirmIn, user: CurrentUser, db: SessionDep, client: ClientDep
) -> ConfirmOut:
    """Say whether a match is your item (for a venue's found item: any member of the venue).
    When both sides say yes, each can see the other's contact details, except for a found
    item with control details: then the lost report's owner must claim it and answer the
    finder's questions first (`claim_required`). A no closes the match."""
    answered = await matches.answer(
        db, user, matches.AnswerMatch(match_id, body.confirmed, body.notes), client=client
    )
    match, found = answered.match, answered.found
    return ConfirmOut(
        match=MatchStateOut(
            id=match.id,
            status=match.status,
            user_item_owner_confirmed=match.user_item_owner_confirmed,
            matched_item_owner_confirmed=match.matched_item_owner_confirmed,
            updated_at=match.updated_at,
        ),
        claim_required=bool(
            found.control_details
            and match.status == MatchStatus.PENDING
            and match.user_item_owner_confirmed
        ),
    )
