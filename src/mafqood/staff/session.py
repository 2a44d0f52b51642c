"""The dashboard's sign-in: the same accounts and tokens as the app, kept in cookies.

- `mafqood_staff`: the access token; `mafqood_staff_refresh` (path /staff): the refresh
  token, exchanged when the access token expires, so a desk stays signed in for a shift.
  Both HttpOnly, SameSite=Lax, Secure outside development. Logging out anywhere (or a
  password reset) ends the login here too: every request checks it (users.logins).
- `mafqood_csrf`: a random value each form repeats (double submit); SameSite=Strict. A
  POST whose form value differs is refused, so another site cannot post forms for a
  signed-in member.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from mafqood.auth import service as auth
from mafqood.auth.deps import AuthServicesDep
from mafqood.auth.ports import AuthServices
from mafqood.core.config import Settings
from mafqood.core.errors import AppError, Forbidden, Unauthorized
from mafqood.core.i18n import (
    SUPPORTED_LANGUAGES,
    Language,
    language_or_default,
    parse_accept_language,
)
from mafqood.core.request_context import client_info
from mafqood.core.web import SessionDep
from mafqood.staff.cookies import CSRF_COOKIE, LANGUAGE_COOKIE, REFRESH_COOKIE
from mafqood.users.logins import token_user
from mafqood.users.models import User
from mafqood.users.tokens import ACCESS_COOKIE, TokenError

STAFF_PATH = "/staff"
PUBLIC_PATH = "/v"


class SignInRequired(Exception):
    """Answered with a redirect to the sign-in page, back to `next` afterwards."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path
        super().__init__(next_path)


@dataclass
class PendingCookies:
    """Cookies to set or clear on whatever response the page returns."""

    to_set: dict[str, tuple[str, int | None, str, str]] = field(default_factory=dict)
    to_clear: set[str] = field(default_factory=set)


def pending(request: Request) -> PendingCookies:
    cookies: PendingCookies | None = getattr(request.state, "staff_cookies", None)
    if cookies is None:
        cookies = PendingCookies()
        request.state.staff_cookies = cookies
    return cookies


def apply_cookies(request: Request, response: Response, settings: Settings) -> None:
    cookies = pending(request)
    secure = settings.environment != "development"
    for name in cookies.to_clear:
        path = STAFF_PATH if name == REFRESH_COOKIE else "/"
        response.delete_cookie(name, path=path, secure=secure, httponly=True)
    for name, (value, max_age, path, same_site) in cookies.to_set.items():
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=path,
            secure=secure,
            httponly=True,
            samesite=same_site,  # type: ignore[arg-type]
        )


def keep_session(request: Request, settings: Settings, session: auth.Session) -> None:
    cookies = pending(request)
    cookies.to_set[ACCESS_COOKIE] = (session.access_token, None, "/", "lax")
    refresh_age = settings.refresh_token_ttl_days * 86400
    cookies.to_set[REFRESH_COOKIE] = (session.refresh_token, refresh_age, STAFF_PATH, "lax")


def end_session(request: Request) -> None:
    pending(request).to_clear.update({ACCESS_COOKIE, REFRESH_COOKIE})


def cookie_path(request: Request) -> str:
    """The dashboard's cookies are sent to its pages only; the public pages (/v) keep their
    own, with the same rules."""
    return PUBLIC_PATH if request.url.path.startswith(PUBLIC_PATH + "/") else STAFF_PATH


def csrf_token(request: Request) -> str:
    """This browser's CSRF value, made on its first page."""
    token = request.cookies.get(CSRF_COOKIE)
    cookies = pending(request)
    if token is None or len(token) < 20:
        if CSRF_COOKIE in cookies.to_set:
            return cookies.to_set[CSRF_COOKIE][0]
        token = secrets.token_urlsafe(24)
        cookies.to_set[CSRF_COOKIE] = (token, None, cookie_path(request), "strict")
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.cookies.get(CSRF_COOKIE)
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise Forbidden("csrf_failed")


def language_of(request: Request) -> Language:
    """The switch's choice; before any, the browser's own preference, read as the API reads
    it."""
    switch = request.cookies.get(LANGUAGE_COOKIE)
    browser = parse_accept_language(request.headers.get("accept-language"))
    return language_or_default(switch if switch in SUPPORTED_LANGUAGES else browser)


async def _signed_in(request: Request, db: SessionDep, container: AuthServices) -> User | None:
    access = request.cookies.get(ACCESS_COOKIE)
    if access:
        try:
            claims = container.tokens.decode(access, "access")
        except TokenError:
            claims = None
        if claims is not None:
            try:
                return await token_user(db, claims)
            except Unauthorized:
                end_session(request)
                return None
    refresh = request.cookies.get(REFRESH_COOKIE)
    if not refresh:
        return None
    try:
        session = await auth.refresh(db, container, refresh, client_info(request))
        await db.commit()
    except AppError:
        end_session(request)
        return None
    keep_session(request, container.settings, session)
    return session.user


async def optional_staff(
    request: Request, db: SessionDep, container: AuthServicesDep
) -> User | None:
    return await _signed_in(request, db, container)


async def current_staff(request: Request, db: SessionDep, container: AuthServicesDep) -> User:
    user = await _signed_in(request, db, container)
    if user is None:
        query = request.url.query
        raise SignInRequired(request.url.path + (f"?{query}" if query else ""))
    return user


StaffUser = Annotated[User, Depends(current_staff)]
OptionalStaff = Annotated[User | None, Depends(optional_staff)]
