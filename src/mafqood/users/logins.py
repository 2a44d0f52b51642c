"""Whether an access token's login is still open.

An access token names its login in the `sid` claim: the family of refresh tokens that the
login rotates through. Logout, a password reset and a refresh-token reuse alarm revoke those
refresh tokens, and from then on the login's access tokens are refused. The check rides on the
user lookup that every authenticated request already makes (one statement, an index probe on
the live refresh tokens), so ending logins at once costs no extra round trip and cannot be lost
with Redis. Tokens without a `sid` (issued before logins were named) end when they expire.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, exists, select

from mafqood.core.errors import Unauthorized
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.users.models import RefreshToken, User


def session_id(claims: dict[str, Any]) -> uuid.UUID | None:
    """The login an access token belongs to (its claims are already verified)."""
    sid = claims.get("sid")
    return uuid.UUID(str(sid)) if sid is not None else None


# Built once: a statement used again is neither built nor given its cache key again, which
# cost more CPU than the lookup itself on every authenticated request.
_ACTIVE_USER = select(User).where(User.id == bindparam("user_id"))
# Rotation revokes one refresh token as it issues the next in the same transaction, so an
# open login always has exactly one unrevoked token.
_USER_IN_LOGIN = select(
    User,
    exists().where(RefreshToken.family_id == bindparam("sid"), RefreshToken.revoked_at.is_(None)),
).where(User.id == bindparam("user_id"))


async def token_user(session: UnitOfWork, claims: dict[str, Any]) -> User:
    """The active user named by verified access-token claims, while the token's login is
    open; Unauthorized otherwise."""
    user_id = uuid.UUID(str(claims["user_id"]))
    sid = session_id(claims)
    if sid is None:
        user = await session.scalar(_ACTIVE_USER, {"user_id": user_id})
        login_open = True
    else:
        found = (
            await session.execute(_USER_IN_LOGIN, {"user_id": user_id, "sid": sid})
        ).one_or_none()
        user, login_open = (found[0], found[1]) if found else (None, False)
    if user is None or not user.is_active:
        raise Unauthorized("invalid_token")
    if not login_open:
        raise Unauthorized("session_revoked")
    return user
