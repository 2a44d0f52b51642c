"""Typed dependencies shared by every router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mafqood.auth.sessions import token_user
from mafqood.auth.tokens import TokenError
from mafqood.core.container import Container
from mafqood.core.errors import Unauthorized
from mafqood.core.unit_of_work import UnitOfWork, unit_of_work_scope
from mafqood.users.models import User


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


async def get_session(container: ContainerDep) -> AsyncIterator[UnitOfWork]:
    async for session in unit_of_work_scope(container.sessionmaker):
        yield session


# scope="function": commit before the response is sent, so a client never sees success
# for a write that did not land.
SessionDep = Annotated[UnitOfWork, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="Access token from /auth/login")


async def get_current_user(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("not_authenticated")
    try:
        claims = container.tokens.decode(credentials.credentials, "access")
    except TokenError as exc:
        raise Unauthorized(exc.code) from exc
    user = await token_user(session, claims)
    request.state.user_language = user.preferred_language
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_optional_user(
    request: Request,
    container: ContainerDep,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User | None:
    """Anonymous callers get None; a caller who sends a bad token still gets 401."""
    if credentials is None:
        return None
    return await get_current_user(request, container, session, credentials)


OptionalUser = Annotated[User | None, Depends(get_optional_user)]
