from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response, status

from mafqood.core.i18n import request_language, translate
from mafqood.core.pagination import PageDep
from mafqood.core.web import SessionDep
from mafqood.notifications import service
from mafqood.notifications.schemas import (
    DeviceDeleteIn,
    DeviceIn,
    DeviceOut,
    NotificationListOut,
    NotificationOut,
    ReadAllOut,
    ReadOut,
)
from mafqood.users.deps import CurrentUser

router = APIRouter(prefix="/api/v1", tags=["notifications"])

SIGNED_IN: dict[int | str, dict[str, Any]] = {401: {"description": "Not signed in"}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **SIGNED_IN,
    404: {"description": "No such notification, or not yours (the two are not told apart)"},
}


@router.get("/notifications", response_model=NotificationListOut, responses=SIGNED_IN)
async def list_notifications(
    user: CurrentUser,
    db: SessionDep,
    page: PageDep,
    unread_only: bool = False,
) -> NotificationListOut:
    """Your notifications, newest first. `total` counts what the filter matches;
    `unread_count` is always every unread one."""
    rows, total, unread = await service.list_notifications(
        db, user.id, page.number, page.size, unread_only
    )
    return NotificationListOut(
        notifications=[NotificationOut.model_validate(row) for row in rows],
        unread_count=unread,
        total=total,
        has_more=page.has_more(total),
    )


# The app in users' hands sends POST where the spec says PUT; both work, the POST forms are
# marked deprecated in the API docs.
COMPATIBILITY = "Compatibility form of the PUT route, for app versions that send POST."


@router.put("/notifications/read-all", response_model=ReadAllOut, responses=SIGNED_IN)
@router.post(
    "/notifications/read-all",
    response_model=ReadAllOut,
    responses=SIGNED_IN,
    deprecated=True,
    description=COMPATIBILITY,
)
async def read_all(request: Request, user: CurrentUser, db: SessionDep) -> ReadAllOut:
    count = await service.mark_all_read(db, user.id)
    return ReadAllOut(
        message=translate("notifications_all_read", request_language(request)), count=count
    )


@router.put("/notifications/{notification_id}/read", response_model=ReadOut, responses=NOT_FOUND)
@router.post(
    "/notifications/{notification_id}/read",
    response_model=ReadOut,
    responses=NOT_FOUND,
    deprecated=True,
    description=COMPATIBILITY,
)
async def read_one(notification_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> ReadOut:
    notification = await service.mark_read(db, user.id, notification_id)
    return ReadOut(id=notification.id, is_read=True, read_at=notification.read_at)


@router.post(
    "/devices",
    response_model=DeviceOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        **SIGNED_IN,
        200: {"model": DeviceOut, "description": "The token was known; it is now yours"},
        422: {"description": "Missing or invalid token, platform or app version"},
    },
)
async def register_device(
    body: DeviceIn, user: CurrentUser, db: SessionDep, response: Response
) -> DeviceOut:
    """Register this phone's push token (call after sign-in and whenever FCM rotates it).
    A token registered by another account before moves to you."""
    device, created = await service.register_device(
        db, user.id, body.token, body.platform, body.app_version
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return DeviceOut.model_validate(device)


@router.delete(
    "/devices",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        **SIGNED_IN,
        404: {"description": "No such token of yours"},
        422: {"description": "Missing or invalid token"},
    },
)
async def remove_device(body: DeviceDeleteIn, user: CurrentUser, db: SessionDep) -> Response:
    """Stop pushes to this phone (call before signing out)."""
    await service.remove_device(db, user.id, body.token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
