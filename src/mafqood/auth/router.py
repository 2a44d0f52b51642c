from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status

from mafqood.auth import service
from mafqood.auth.deps import AuthServicesDep
from mafqood.auth.schemas import (
    AuthOut,
    ForgotPasswordIn,
    LoginIn,
    MessageOut,
    RefreshIn,
    RegisterIn,
    ResetPasswordIn,
    TokenPairOut,
)
from mafqood.core.i18n import request_language, translate
from mafqood.core.request_context import ClientDep
from mafqood.core.web import SessionDep
from mafqood.users.schemas import UserOut
from mafqood.worker.mail import queue_mail

router = APIRouter(prefix="/auth", tags=["auth"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, invalid, expired or re-used token, or wrong credentials"},
    422: {"description": "A field is missing or invalid; `detail` lists each field"},
}


def _auth_out(session: service.Session, container: AuthServicesDep) -> AuthOut:
    return AuthOut(
        user=UserOut.model_validate(session.user),
        token=session.access_token,
        refresh_token=session.refresh_token,
        expires_in=int(container.tokens.access_ttl.total_seconds()),
    )


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=AuthOut,
    responses={409: {"description": "An account with this email exists"}, **ERRORS},
)
async def register(
    body: RegisterIn, db: SessionDep, container: AuthServicesDep, client: ClientDep
) -> AuthOut:
    """Create an account and sign it in."""
    return _auth_out(await service.register(db, container, body, client), container)


@router.post("/login", response_model=AuthOut, responses=ERRORS)
async def login(
    body: LoginIn, db: SessionDep, container: AuthServicesDep, client: ClientDep
) -> AuthOut:
    return _auth_out(
        await service.login(db, container, body.email, body.password, client), container
    )


@router.post("/refresh", response_model=TokenPairOut, responses=ERRORS)
async def refresh(
    body: RefreshIn, db: SessionDep, container: AuthServicesDep, client: ClientDep
) -> TokenPairOut:
    """Exchange a refresh token for a new pair. Each refresh token works once."""
    session = await service.refresh(db, container, body.refresh_token, client)
    return TokenPairOut(
        token=session.access_token,
        refresh_token=session.refresh_token,
        expires_in=int(container.tokens.access_ttl.total_seconds()),
    )


@router.post("/logout", response_model=MessageOut, responses=ERRORS)
async def logout(
    body: RefreshIn, request: Request, db: SessionDep, container: AuthServicesDep
) -> MessageOut:
    """Revoke the login that this refresh token belongs to."""
    await service.logout(db, container, body.refresh_token)
    return MessageOut(message=translate("logged_out", request_language(request)))


@router.post("/forgot-password", response_model=MessageOut, responses=ERRORS)
async def forgot_password(
    body: ForgotPasswordIn,
    request: Request,
    db: SessionDep,
    container: AuthServicesDep,
    client: ClientDep,
) -> MessageOut:
    """Mail a reset link. The answer is the same whether or not the address has an account."""
    mail = await service.request_password_reset(db, container, body.email, client)
    if mail is not None:
        # A worker sends it after commit: the answer takes the same time whether or not the
        # account exists, and a relay outage only delays the mail.
        queue_mail(db, mail.to, mail.subject, mail.body)
    return MessageOut(message=translate("reset_email_sent", request_language(request)))


@router.post(
    "/reset-password",
    response_model=MessageOut,
    responses={400: {"description": "The reset token is invalid, used or expired"}, **ERRORS},
)
async def reset_password(
    body: ResetPasswordIn,
    request: Request,
    db: SessionDep,
    container: AuthServicesDep,
    client: ClientDep,
) -> MessageOut:
    """Set a new password with the token from the reset mail; ends every existing login."""
    await service.reset_password(db, container, body.token, body.new_password, client)
    return MessageOut(message=translate("password_reset_done", request_language(request)))
