"""Messages between the two sides of a match, and between a claimant and the finder side.

Every route answers 404 to anyone outside the thread, exactly like for a missing one."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile, status

from mafqood.core.errors import FieldError
from mafqood.core.i18n import request_language, translate
from mafqood.core.pagination import PageDep
from mafqood.core.request_context import ClientDep
from mafqood.core.web import SessionDep, process_container
from mafqood.messaging import listing, messages, reports, threads
from mafqood.messaging.ports import MessageServices
from mafqood.messaging.presenters import message_out, thread_out
from mafqood.messaging.schemas import (
    MASKING,
    MAX_PHOTOS,
    MessagePageOut,
    ReadIn,
    ReportMessageIn,
    ReportMessageOut,
    SentOut,
    ThreadListOut,
    ThreadOut,
)
from mafqood.photos.service import process_upload
from mafqood.storage.deps import StorageDep
from mafqood.users.deps import CurrentUser

router = APIRouter(prefix="/api/v1", tags=["messages"])
ServicesDep = Annotated[MessageServices, Depends(process_container)]

NOT_YOURS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    404: {"description": "No such thread, match, claim or message, or not yours (not told apart)"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **NOT_YOURS,
    409: {
        "description": "The thread is read-only: `thread_blocked`, `thread_match_closed` "
        "(rejected or expired) or `thread_item_closed` (closed or handed over; readable for "
        "30 days)"
    },
}


@router.get("/threads", response_model=ThreadListOut, responses=NOT_YOURS)
async def my_threads(
    user: CurrentUser, db: SessionDep, storage: StorageDep, page: PageDep
) -> ThreadListOut:
    """Your conversations with at least one message, latest first, each with its unread
    count and last message."""
    places, total = await listing.my_threads(db, user, listing.ListThreads(page.number, page.size))
    return ThreadListOut(
        threads=[await thread_out(db, place, user, storage.base_url) for place in places],
        pagination=page.answer(total),
    )


@router.get("/matches/{match_id}/thread", response_model=ThreadOut, responses=NOT_YOURS)
async def match_thread(
    match_id: uuid.UUID, user: CurrentUser, db: SessionDep, storage: StorageDep
) -> ThreadOut:
    """The conversation between the two sides of a match (made on first use)."""
    place = await threads.match_thread(db, user, match_id)
    return await thread_out(db, place, user, storage.base_url)


@router.get("/claims/{claim_id}/thread", response_model=ThreadOut, responses=NOT_YOURS)
async def claim_thread(
    claim_id: uuid.UUID, user: CurrentUser, db: SessionDep, storage: StorageDep
) -> ThreadOut:
    """The conversation between a claimant and the claimed item's finder side (a venue's
    members all answer for the desk)."""
    place = await threads.claim_thread(db, user, claim_id)
    return await thread_out(db, place, user, storage.base_url)


@router.get("/threads/{thread_id}", response_model=ThreadOut, responses=NOT_YOURS)
async def get_thread(
    thread_id: uuid.UUID, user: CurrentUser, db: SessionDep, storage: StorageDep
) -> ThreadOut:
    place = await threads.place_in(db, user, thread_id)
    return await thread_out(db, place, user, storage.base_url)


@router.get(
    "/threads/{thread_id}/messages",
    response_model=MessagePageOut,
    responses=NOT_YOURS,
    description="Newest first; `before` pages back to older messages. `since` (the `seq` of "
    "the last message the app has) gives what came after it, oldest first: what a client "
    "missed while its socket was closed. " + MASKING,
)
async def thread_messages(
    thread_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    storage: StorageDep,
    since: Annotated[int | None, Query(ge=0)] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> MessagePageOut:
    if since is not None and before is not None:
        raise FieldError("before", "since_and_before", location="query")
    page = await messages.read_messages(
        db, user, messages.ReadMessages(thread_id, since, before, limit)
    )
    place = page.place
    return MessagePageOut(
        thread=await thread_out(db, place, user, storage.base_url),
        messages=[
            message_out(
                m, place.party, place.shared, storage.base_url, page.names, page.other_read_seq
            )
            for m in page.messages
        ],
        has_more=page.has_more,
    )


@router.post(
    "/threads/{thread_id}/messages",
    status_code=status.HTTP_201_CREATED,
    response_model=SentOut,
    responses={
        **WRITE_ERRORS,
        200: {"description": "This client_id was sent before: the stored message, unchanged"},
        413: {"description": "A photo is larger than 10 MB"},
        415: {"description": "Not a JPEG, PNG, WebP or HEIC photo"},
        422: {
            "description": "No text and no photo, text over 4,000 characters, more than 3 "
            "photos, or (the finder side) the item's hidden details repeated"
        },
        429: {"description": "Too many messages (per sender or per thread); see Retry-After"},
    },
    description="Multipart form: `text` (up to 4,000 characters, English or Arabic), up to 3 "
    "`photos` (checked, stripped of metadata and resized as a report's), and `client_id`: "
    "the app's own id of the message, so that sending it again (a lost answer) stores it "
    "once and answers 200 with the stored message. The other side gets a notification, "
    "the WebSocket event `new_message` and a push, in their language. " + MASKING,
)
async def send_message(
    thread_id: uuid.UUID,
    response: Response,
    user: CurrentUser,
    db: SessionDep,
    services: ServicesDep,
    text: Annotated[str, Form(max_length=20_000)] = "",
    client_id: Annotated[str | None, Form(min_length=1, max_length=64)] = None,
    photos: Annotated[
        list[UploadFile], File(description="Up to 3 photos (JPEG, PNG, WebP or HEIC)")
    ] = [],  # noqa: B006 - FastAPI copies a parameter's default for each request
) -> SentOut:
    uploads = photos
    if len(uploads) > MAX_PHOTOS:
        raise FieldError("photos", "too_many_photos", max_photos=MAX_PHOTOS)
    settings = services.settings
    processed = tuple(
        [
            await process_upload(upload, settings.max_upload_bytes, settings.max_image_pixels)
            for upload in uploads
        ]
    )
    sent = await messages.send(
        db, user, messages.SendMessage(thread_id, text, client_id, processed), services
    )
    if not sent.created:
        response.status_code = status.HTTP_200_OK
    place = sent.place
    return SentOut(
        message=message_out(
            sent.message,
            place.party,
            place.shared,
            services.storage.base_url,
            {user.id: user.full_name},
        ),
        created=sent.created,
    )


@router.post("/threads/{thread_id}/read", response_model=ThreadOut, responses=NOT_YOURS)
async def mark_read(
    thread_id: uuid.UUID, body: ReadIn, user: CurrentUser, db: SessionDep, storage: StorageDep
) -> ThreadOut:
    """Read receipt: you read up to message `up_to`. The other side's sockets get
    `messages_read`; your notifications of the thread's messages are marked read."""
    place = await messages.mark_read(db, user, messages.MarkRead(thread_id, body.up_to))
    return await thread_out(db, place, user, storage.base_url)


@router.post(
    "/threads/{thread_id}/block",
    response_model=ThreadOut,
    responses={**NOT_YOURS, 409: {"description": "Already closed"}},
)
async def block(
    thread_id: uuid.UUID, user: CurrentUser, db: SessionDep, storage: StorageDep
) -> ThreadOut:
    """Close the conversation for both sides (the match or claim itself goes on). Both sides
    can still read it; the other side's sockets get `thread_blocked`."""
    place = await messages.block(db, user, messages.Block(thread_id, True))
    return await thread_out(db, place, user, storage.base_url)


@router.delete(
    "/threads/{thread_id}/block",
    response_model=ThreadOut,
    responses={**NOT_YOURS, 409: {"description": "Not closed, or closed by the other side"}},
)
async def unblock(
    thread_id: uuid.UUID, user: CurrentUser, db: SessionDep, storage: StorageDep
) -> ThreadOut:
    """Open again a conversation your side closed."""
    place = await messages.block(db, user, messages.Block(thread_id, False))
    return await thread_out(db, place, user, storage.base_url)


@router.post(
    "/messages/{message_id}/report",
    status_code=status.HTTP_201_CREATED,
    response_model=ReportMessageOut,
    responses={
        **NOT_YOURS,
        403: {"description": "A message of your own side"},
        409: {"description": "You already reported this message"},
        422: {"description": "A field is missing or invalid"},
    },
)
async def report_message(
    message_id: uuid.UUID,
    body: ReportMessageIn,
    request: Request,
    user: CurrentUser,
    db: SessionDep,
    client: ClientDep,
) -> ReportMessageOut:
    """Report a message of the other side to the moderators (once per message)."""
    report = await reports.report_message(
        db, user, reports.ReportMessage(message_id, body.reason, body.details), client=client
    )
    return ReportMessageOut(
        id=report.id,
        message_id=report.message_id,
        reason=report.reason,
        created_at=report.created_at,
        message=translate("message_report_received", request_language(request)),
    )
