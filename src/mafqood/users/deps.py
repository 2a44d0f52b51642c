"""Who is calling: the typed dependencies for the signed-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mafqood.core.errors import Unauthorized
from mafqood.core.web import SessionDep, process_object
from mafqood.users.logins import token_user
from mafqood.users.models import User
from mafqood.users.passwords import PasswordHasher
from mafqood.users.tokens import TokenError, TokenService

TokensDep = Annotated[TokenService, Depends(process_object("tokens"))]
PasswordsDep = Annotated[PasswordHasher, Depends(process_object("passwords"))]
_bearer = HTTPBearer(auto_error=False, description="Access token from /auth/login")


async def get_current_user(
    request: Request,
    tokens: TokensDep,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("not_authenticated")
    try:
        claims = tokens.decode(credentials.credentials, "access")
    except TokenError as exc:
        raise Unauthorized(exc.code) from exc
    user = await token_user(session, claims)
    request.state.user_language = user.preferred_language
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_optional_user(
    request: Request,
    tokens: TokensDep,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User | None:
    """Anonymous callers get None; a caller who sends a bad token still gets 401."""
    if credentials is None:
        return None
    return await get_current_user(request, tokens, session, credentials)


OptionalUser = Annotated[User | None, Depends(get_optional_user)]
