"""The HTTP side of matching: reporting a lost or found item and waiting for its matches,
your reports with their matches (under "items"), a report's matches and the answer to one
(under "matches")."""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile, status

from mafqood.core.pagination import PageDep
from mafqood.core.request_context import ClientDep
from mafqood.core.web import SessionDep, json_answer, process_container
from mafqood.items import service as items
from mafqood.items.schemas import ItemCreate, ItemStatus, ItemType
from mafqood.lifecycle import matches
from mafqood.lifecycle.access import photo_access
from mafqood.lifecycle.statuses import MatchStatus
from mafqood.matching import service, submission
from mafqood.matching.history import HistoryQuery
from mafqood.matching.history import history as history_of
from mafqood.matching.ports import SubmissionServices
from mafqood.matching.schemas import (
    Confidence,
    ConfirmIn,
    ConfirmOut,
    HistoryOut,
    ItemSubmitOut,
    MatchListOut,
    MatchStateOut,
)
from mafqood.storage.deps import StorageDep
from mafqood.users.deps import CurrentUser

report_router = APIRouter(prefix="/api/v1", tags=["items"])
router = APIRouter(prefix="/api/v1", tags=["matches"])

SubmissionServicesDep = Annotated[SubmissionServices, Depends(process_container)]

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    404: {"description": "No such item or match, or not yours (not told apart)"},
}
SUBMIT_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    409: {"description": "You already reported an item with this photo"},
    413: {"description": "The photo is larger than 10 MB"},
    415: {"description": "Not a JPEG, PNG, WebP or HEIC photo"},
    422: {"description": "A field is missing or invalid; `detail` lists each field"},
    503: {"description": "Photo storage is unavailable"},
}


ImageFiles = Annotated[
    list[UploadFile],
    File(
        description="JPEG, PNG, WebP or HEIC photos, up to 10 MB each: one `image` part, or "
        "up to 5 (the front, the back, a detail); the first is the main photo"
    ),
]


REPORT = """Report something you {kind}. Answers with the {other} reports it already matches, or
with `matching: "pending"` when the photo is still being analysed: the matches then
come as notifications (and GET /items/{{id}}/matches)."""


def _report_route(kind: ItemType, other: ItemType) -> None:
    async def report(
        request: Request,
        form: Annotated[ItemCreate, Form()],
        image: ImageFiles,
        user: CurrentUser,
        db: SessionDep,
        container: SubmissionServicesDep,
    ) -> ItemSubmitOut:
        received_at = getattr(request.state, "received_at", time.monotonic())
        command = submission.ReportItem(kind, form, image, received_at)
        return await submission.submit(db, user, command, container)

    report_router.add_api_route(
        f"/{kind}",
        report,
        methods=["POST"],
        name=f"report_{kind}",
        description=REPORT.format(kind=kind, other=other),
        status_code=status.HTTP_201_CREATED,
        response_model=ItemSubmitOut,
        responses=SUBMIT_ERRORS,
    )


_report_route("lost", "found")
_report_route("found", "lost")

DESCRIBED = """**Extension** (not used by the app's own screens): report something you lost
without a photo, with the same form fields as POST /api/v1/lost and no `image` part. People
rarely have a photo of what they lost, so the report is matched by what is known: title and
description (in English or Arabic), category, brand, colour, place and time, against the found
reports' descriptions and what their photos show. Such matches are scored by their own rule:
`matching_features.scored_by` is `"description"`, `visual_similarity` is null, and confidence
is at most `"medium"` (`"high"` needs photos). A photo added later (POST
/api/v1/items/{id}/photos) makes it an ordinary report."""


@report_router.post(
    "/lost/described",
    name="report_lost_described",
    description=DESCRIBED,
    status_code=status.HTTP_201_CREATED,
    response_model=ItemSubmitOut,
    responses={
        key: value for key, value in SUBMIT_ERRORS.items() if key not in (409, 413, 415, 503)
    },
    openapi_extra={"x-mafqood-extension": True},
)
async def report_lost_described(
    request: Request,
    form: Annotated[ItemCreate, Form()],
    user: CurrentUser,
    db: SessionDep,
    container: SubmissionServicesDep,
) -> ItemSubmitOut:
    received_at = getattr(request.state, "received_at", time.monotonic())
    command = submission.ReportItem("lost", form, (), received_at)
    return await submission.submit(db, user, command, container)


@report_router.get(
    "/history", response_model=HistoryOut, responses={401: {"description": "Not signed in"}}
)
async def history(
    user: CurrentUser,
    db: SessionDep,
    storage: StorageDep,
    page: PageDep,
    status: ItemStatus | None = None,
) -> Response:
    """Your reports, newest first, each with its matches. One page spans both lists."""
    return json_answer(await history_of(db, user, HistoryQuery(status, page), storage))


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
        await photo_access(db, user),
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
