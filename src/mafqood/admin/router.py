from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, EmailStr
from sqlalchemy import text

from mafqood.admin import stats
from mafqood.admin.schemas import StatsOut
from mafqood.audit import service as audit
from mafqood.core.errors import FieldError, Forbidden
from mafqood.core.i18n import request_language, translate
from mafqood.core.request_context import ClientDep
from mafqood.core.validation import DateTimeInRange, InputModel
from mafqood.core.web import SessionDep
from mafqood.items import service as items
from mafqood.messaging import reports as message_reports
from mafqood.messaging.presenters import photos_out as message_photos
from mafqood.messaging.schemas import (
    MessageReviewIn,
    ReportedMessageOut,
    ReportedMessagesOut,
)
from mafqood.moderation import service as moderation
from mafqood.moderation.schemas import HiddenItemOut, HiddenItemsOut, ReviewIn
from mafqood.ratelimit.limiter import RateLimiterDep
from mafqood.storage.deps import StorageDep
from mafqood.users.deps import CurrentUser
from mafqood.users.models import User
from mafqood.venues import service as venues
from mafqood.venues.commands import AppointOwner, VerifyVenue
from mafqood.venues.schemas import (
    MemberListOut,
    PendingVenueListOut,
    VerificationIn,
    VerificationOut,
)

ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Not an administrator"},
}


async def require_admin(user: CurrentUser) -> User:
    if not user.is_admin:
        raise Forbidden()
    return user


AdminUser = Annotated[User, Depends(require_admin)]

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


class MessageOut(BaseModel):
    message: str


@router.get("/hidden-items", response_model=HiddenItemsOut, responses=ADMIN_ERRORS)
async def hidden_items(
    admin: AdminUser, db: SessionDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> HiddenItemsOut:
    """Items hidden after reports, waiting for review, most recent first."""
    found = await moderation.hidden_items(db, limit)
    return HiddenItemsOut(
        items=[
            HiddenItemOut(
                id=item.id,
                title=item.title,
                type=item.type,
                user_id=item.user_id,
                reported_count=item.reported_count,
                reasons=reasons,
                updated_at=item.updated_at,
            )
            for item, reasons in found
        ]
    )


@router.get(
    "/stats",
    response_model=StatsOut,
    responses={**ADMIN_ERRORS, 422: {"description": "from is after to"}},
)
async def key_metrics(
    admin: AdminUser,
    db: SessionDep,
    from_: Annotated[DateTimeInRange | None, Query(alias="from")] = None,
    to: DateTimeInRange | None = None,
) -> StatsOut:
    """The key metrics of a period (default: the 30 days before now); see docs/operations.md
    for their definitions."""
    end = to or datetime.now(UTC)
    start = from_ or end - stats.MONTH
    if start > end:
        raise FieldError("from", "period_range", location="query")
    return StatsOut.of(await stats.compute(db, start, end))


@router.post(
    "/items/{item_id}/review",
    response_model=MessageOut,
    responses={**ADMIN_ERRORS, 404: {"description": "No such item"}},
)
async def review_item(
    item_id: uuid.UUID,
    body: ReviewIn,
    request: Request,
    admin: AdminUser,
    db: SessionDep,
    storage: StorageDep,
    client: ClientDep,
) -> MessageOut:
    """Settle the reports of an item: show it again, or delete it with its photos."""
    item = await items.get_item(db, item_id)
    audit.record(
        db,
        f"item_review_{body.action}",
        client,
        user_id=admin.id,
        entity_type="item",
        entity_id=item.id,
    )
    if body.action == "remove":
        await items.delete_item(db, storage, item, deleted_by=admin.id)
    else:
        await moderation.mark_reviewed(db, item)
    return MessageOut(message=translate("review_done", request_language(request)))


@router.get("/reported-messages", response_model=ReportedMessagesOut, responses=ADMIN_ERRORS)
async def reported_messages(
    admin: AdminUser,
    db: SessionDep,
    storage: StorageDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ReportedMessagesOut:
    """Messages with reports waiting for review, most reported first (as written: a
    moderator sees what was masked)."""
    found = await message_reports.reported_messages(db, limit)
    return ReportedMessagesOut(
        messages=[
            ReportedMessageOut(
                id=message.id,
                thread_id=message.thread_id,
                text=message.body if message.removed_at is None else None,
                photos=message_photos(storage.base_url, message.photo_keys),
                sender_id=message.sender_id,
                reasons=reasons,
                reports=count,
                created_at=message.created_at,
            )
            for message, reasons, count in found
        ]
    )


@router.post(
    "/messages/{message_id}/review",
    response_model=MessageOut,
    responses={**ADMIN_ERRORS, 404: {"description": "No such message"}},
)
async def review_message(
    message_id: uuid.UUID,
    body: MessageReviewIn,
    request: Request,
    admin: AdminUser,
    db: SessionDep,
    storage: StorageDep,
    client: ClientDep,
) -> MessageOut:
    """Settle a message's reports: dismiss them, or remove the message (its text and photos
    are deleted; both sides see it as removed)."""
    command = message_reports.ReviewMessage(message_id, body.action == "remove")
    await message_reports.review(db, admin, command, storage, client=client)
    return MessageOut(message=translate("review_done", request_language(request)))


class OwnerIn(InputModel):
    email: EmailStr


@router.post(
    "/venues/{venue_id}/owners",
    response_model=MemberListOut,
    responses={
        **ADMIN_ERRORS,
        404: {"description": "No such venue"},
        422: {"description": "No active account with this email"},
    },
)
async def appoint_venue_owner(
    venue_id: uuid.UUID, body: OwnerIn, admin: AdminUser, db: SessionDep, client: ClientDep
) -> MemberListOut:
    """Make an existing account an owner of a venue (for a venue left without one); answers
    with the venue's members."""
    command = AppointOwner(venue_id, str(body.email), client)
    return MemberListOut(members=await venues.appoint_owner(db, admin, command))


@router.get("/venues/pending", response_model=PendingVenueListOut, responses=ADMIN_ERRORS)
async def pending_venues(
    admin: AdminUser, db: SessionDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> PendingVenueListOut:
    """Venues waiting for verification, oldest first, with their owners. Until verified, a
    venue's items are neither shown to the public, matched nor claimable."""
    return PendingVenueListOut(venues=await venues.pending_venues(db, admin, limit))


@router.post(
    "/venues/{venue_id}/verify",
    response_model=VerificationOut,
    responses={
        **ADMIN_ERRORS,
        404: {"description": "No such venue"},
        409: {"description": "The venue is already verified"},
    },
)
async def verify_venue(
    venue_id: uuid.UUID, body: VerificationIn, admin: AdminUser, db: SessionDep, client: ClientDep
) -> VerificationOut:
    """Verify a venue, noting what was checked (audited). Its open found items are analysed
    and matched again."""
    return await venues.verify_venue(db, admin, VerifyVenue(venue_id, body.note, client))


reset_router = APIRouter(tags=["admin"])


@reset_router.delete("/api/reset", response_model=MessageOut, responses=ADMIN_ERRORS)
async def reset(
    request: Request, admin: AdminUser, db: SessionDep, limiter: RateLimiterDep, client: ClientDep
) -> MessageOut:
    """Empty every table (development and test only; not served in production)."""
    tables = await db.scalar(
        text(
            "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
        )
    )
    admin_id = admin.id
    await db.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.expunge_all()
    audit.record(db, "database_reset", client, entity_type="user", entity_id=admin_id)
    await limiter.reset()
    return MessageOut(message=translate("database_reset", request_language(request)))
