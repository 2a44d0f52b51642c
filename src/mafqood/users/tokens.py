"""JWTs with the spec's claims. Only HS256 is accepted, so "alg: none" and algorithm
confusion are refused by construction."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt

# The staff dashboard keeps its access token in this cookie rather than a header; the rate
# limiter reads it there too, to count a dashboard user by their account.
ACCESS_COOKIE = "mafqood_staff"

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh", "reset"]
# Verified tokens kept per process (see TokenService); past it, the memory starts again.
VERIFIED_KEPT = 10_000


class TokenError(Exception):
    def __init__(self, code: Literal["invalid_token", "token_expired"]) -> None:
        super().__init__(code)
        self.code = code


def hash_token(token: str) -> str:
    """Refresh tokens are stored only as this digest, so a database leak cannot replay them."""
    return hashlib.sha256(token.encode()).hexdigest()


class TokenService:
    def __init__(
        self, key: str, access_ttl: timedelta, refresh_ttl: timedelta, reset_ttl: timedelta
    ) -> None:
        self._key = key
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.reset_ttl = reset_ttl
        # Tokens verified by this process, with their claims. An app sends the same access
        # token with every request for minutes; verifying it (and building its claims) again
        # each time cost more CPU than a small answer. The signature does not change, and
        # whether its login is still open is checked in the database on every request.
        self._verified: dict[str, dict[str, Any]] = {}

    def _encode(self, claims: dict[str, Any], ttl: timedelta) -> str:
        now = datetime.now(UTC)
        payload = {**claims, "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp())}
        return jwt.encode(payload, self._key, algorithm=ALGORITHM)

    def access_token(
        self,
        user_id: uuid.UUID,
        email: str,
        is_venue: bool,
        session_id: uuid.UUID | None = None,
        desk: bool = False,
    ) -> str:
        """session_id: the login (refresh-token family) it belongs to; the token stops
        working as soon as that login ends (see logins.py). desk: the user is a
        member of a venue (the rate limiter gives desks their own limits); `is_venue` is
        what the account said of itself at registration and grants nothing."""
        claims: dict[str, Any] = {
            "user_id": str(user_id),
            "email": email,
            "is_venue": is_venue,
            "type": "access",
        }
        if desk:
            claims["desk"] = True
        if session_id is not None:
            claims["sid"] = str(session_id)
        return self._encode(claims, self.access_ttl)

    def refresh_token(self, user_id: uuid.UUID, token_id: uuid.UUID) -> str:
        return self._encode(
            {"user_id": str(user_id), "token_id": str(token_id), "type": "refresh"},
            self.refresh_ttl,
        )

    def reset_token(self, user_id: uuid.UUID, password_hash: str) -> str:
        # The fingerprint of the current hash makes the token single-use: once the password
        # changes, the token no longer verifies.
        return self._encode(
            {"user_id": str(user_id), "pwd": self._fingerprint(password_hash), "type": "reset"},
            self.reset_ttl,
        )

    def reset_token_matches(self, claims: dict[str, Any], password_hash: str) -> bool:
        return hmac.compare_digest(str(claims.get("pwd", "")), self._fingerprint(password_hash))

    def _fingerprint(self, password_hash: str) -> str:
        return hmac.new(self._key.encode(), password_hash.encode(), hashlib.sha256).hexdigest()[:32]

    def decode(self, token: str, expected: TokenType) -> dict[str, Any]:
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token)
            if len(self._verified) >= VERIFIED_KEPT:
                self._verified.clear()
            self._verified[token] = claims
        elif claims["exp"] <= time.time():
            del self._verified[token]
            raise TokenError("token_expired")
        if claims.get("type") != expected:
            raise TokenError("invalid_token")
        return dict(claims)

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                options={"require": ["exp", "iat", "type", "user_id"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenError("token_expired") from exc
        except jwt.PyJWTError as exc:
            raise TokenError("invalid_token") from exc
        try:
            uuid.UUID(str(claims["user_id"]))
            if "sid" in claims:
                uuid.UUID(str(claims["sid"]))
        except ValueError as exc:
            raise TokenError("invalid_token") from exc
        return claims
