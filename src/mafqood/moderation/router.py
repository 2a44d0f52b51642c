from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status

from mafqood.core.i18n import request_language, translate
from mafqood.core.request_context import ClientDep
from mafqood.core.web import SessionDep, SettingsDep
from mafqood.moderation import service
from mafqood.moderation.schemas import ReportIn, ReportOut
from mafqood.users.deps import CurrentUser

router = APIRouter(prefix="/api/v1", tags=["moderation"])

REPORT_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Your own item cannot be reported"},
    404: {"description": "No such item (or one you may not see)"},
    409: {"description": "You already reported this item"},
    422: {"description": "A field is missing or invalid"},
}


@router.post(
    "/items/{item_id}/report",
    status_code=status.HTTP_201_CREATED,
    response_model=ReportOut,
    responses=REPORT_ERRORS,
)
async def report_item(
    item_id: uuid.UUID,
    body: ReportIn,
    request: Request,
    user: CurrentUser,
    db: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
) -> ReportOut:
    """Report an item as spam, fraud, offensive... Each user reports an item once; an item
    reported by several different users is hidden until a moderator reviews it."""
    report = await service.report_item(
        db,
        user,
        item_id,
        body.reason,
        body.details,
        settings.moderation_hide_after_reports,
        client,
    )
    return ReportOut(
        id=report.id,
        item_id=report.item_id,
        reason=body.reason,
        created_at=report.created_at,
        message=translate("report_received", request_language(request)),
    )
