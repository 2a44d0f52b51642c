from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response

from mafqood.core.i18n import request_language, translate
from mafqood.core.request_context import ClientDep
from mafqood.core.web import SessionDep
from mafqood.privacy import service
from mafqood.privacy.schemas import AccountDeletedOut, AccountDeleteIn, ExportOut
from mafqood.storage.deps import StorageDep
from mafqood.users.deps import CurrentUser, PasswordsDep

router = APIRouter(tags=["privacy"])


@router.get(
    "/api/v1/users/me/export",
    response_model=ExportOut,
    responses={401: {"description": "Not signed in"}},
)
async def export_my_data(
    response: Response, user: CurrentUser, db: SessionDep, storage: StorageDep
) -> ExportOut:
    """Everything stored about you, as one JSON document, with links to your photos."""
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    response.headers["Content-Disposition"] = f'attachment; filename="mafqood-export-{day}.json"'
    return await service.export(db, storage, user)


@router.delete(
    "/auth/users/me",
    response_model=AccountDeletedOut,
    responses={
        401: {"description": "Not signed in"},
        403: {"description": "The password is not right"},
        422: {"description": "The password is missing"},
    },
)
async def delete_my_account(
    body: AccountDeleteIn,
    request: Request,
    user: CurrentUser,
    db: SessionDep,
    passwords: PasswordsDep,
    storage: StorageDep,
    client: ClientDep,
) -> AccountDeletedOut:
    """Delete your account for good, confirmed by your password: your reports and their
    photos, matches, notifications, devices and logins go with it."""
    await service.delete_account(db, passwords, storage, user, body.password, client)
    return AccountDeletedOut(message=translate("account_deleted", request_language(request)))
