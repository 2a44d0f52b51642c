"""Applies the abuse limits before a request reaches its handler (and before its body is read).

- login, registration, forgot-password: per client IP (counted in the process while Redis is
  unreachable); the per-account limits of login and reset mails are in mafqood.auth.throttle;
- photo uploads: per signed-in user;
- every other API call: per signed-in user, or per client IP for callers without a valid token.

The client IP is the peer address, or what a trusted proxy says (see ClientAddressMiddleware).
"""

from __future__ import annotations

from http.cookies import SimpleCookie

import structlog
from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mafqood.core.config import Settings
from mafqood.core.errors import RateLimited, error_response
from mafqood.core.middleware import PERSONAL_UPLOADS
from mafqood.core.rates import Rate
from mafqood.observability.metrics import RATE_LIMITED
from mafqood.ratelimit.desks import desk_claim_holds
from mafqood.ratelimit.limiter import Decision, RateLimiter
from mafqood.ratelimit.ports import LimitServices
from mafqood.ratelimit.rules import Rules
from mafqood.users.tokens import ACCESS_COOKIE, TokenError

log = structlog.get_logger(__name__)

# The app's sign-in and the staff dashboard's share the per-address limit.
LOGINS = frozenset({("POST", "/auth/login"), ("POST", "/staff/login")})
REGISTER = ("POST", "/auth/register")
FORGOT_PASSWORD = ("POST", "/auth/forgot-password")
# Guesses of passwords and floods of mail must stay limited while Redis is down.
CREDENTIAL_RULES = frozenset({"login", "register", "forgot_password"})
# Probes, scrapes, documentation and photo files are not API calls.
EXEMPT_PREFIXES = (
    "/health",
    "/metrics",
    "/media/",
    "/docs",
    "/redoc",
    "/openapi.json",
    "/staff/static/",
)


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.enabled = settings.rate_limit_enabled
        self.rules = Rules(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            not self.enabled
            or scope["type"] != "http"
            or scope["method"] == "OPTIONS"
            or scope["path"].startswith(EXEMPT_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        container: LimitServices = scope["app"].state.container
        limiter: RateLimiter = container.rate_limiter
        user_id, desk = await _caller(scope, container)
        general: Decision | None = None
        for rule, subject, rate in self._applicable(scope, user_id, desk):
            decision = await limiter.hit(
                rule, subject, rate, local_fallback=rule in CREDENTIAL_RULES
            )
            if not decision.allowed:
                RATE_LIMITED.labels(rule=rule).inc()
                log.info("rate_limited", rule=rule, retry_after=decision.retry_after_seconds)
                await self._refuse(scope, receive, send, decision)
                return
            if rule in ("api", "anonymous"):
                general = decision
        if general is None:
            await self.app(scope, receive, send)
            return

        async def send_with_budget(message: Message) -> None:
            if message["type"] == "http.response.start" and general is not None:
                headers = list(message.get("headers", []))
                headers.append((b"x-ratelimit-limit", str(general.limit).encode()))
                headers.append((b"x-ratelimit-remaining", str(general.remaining).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_budget)

    def _applicable(
        self, scope: Scope, user_id: str | None, desk: bool
    ) -> list[tuple[str, str, Rate]]:
        client = scope.get("client")
        ip = client[0] if client else "unknown"
        api = self.rules.desk_api if desk else self.rules.api
        upload = self.rules.desk_upload if desk else self.rules.upload
        endpoint = (scope["method"], scope["path"].rstrip("/") or "/")
        found: list[tuple[str, str, Rate]] = []
        if endpoint in LOGINS and self.rules.login:
            found.append(("login", ip, self.rules.login))
        elif endpoint == REGISTER and self.rules.register:
            found.append(("register", ip, self.rules.register))
        elif endpoint == FORGOT_PASSWORD and self.rules.forgot_password:
            found.append(("forgot_password", ip, self.rules.forgot_password))
        elif (
            endpoint[0] == "POST" and PERSONAL_UPLOADS.fullmatch(endpoint[1]) and user_id and upload
        ):
            found.append(("upload", user_id, upload))
        if user_id and api:
            found.append(("api", user_id, api))
        elif not user_id and self.rules.anonymous:
            found.append(("anonymous", ip, self.rules.anonymous))
        return found

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, decision: Decision) -> None:
        refusal = RateLimited(
            retry_after=decision.retry_after_seconds,
            headers={"X-RateLimit-Limit": str(decision.limit), "X-RateLimit-Remaining": "0"},
        )
        await error_response(Request(scope), refusal)(scope, receive, send)


async def _caller(scope: Scope, container: LimitServices) -> tuple[str | None, bool]:
    """(the signed-in user, whether they work a venue desk) of a request with a valid access
    token (checked, not trusted): the app's bearer token, or the staff dashboard's cookie. A
    desk claim from before the user's last membership ended no longer counts (desks.py)."""
    token = None
    for name, value in scope.get("headers") or []:
        if name == b"authorization":
            scheme, _, bearer = value.decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not bearer:
                return None, False
            token = bearer.strip()
            break
        if name == b"cookie" and token is None:
            cookies = SimpleCookie(value.decode("latin-1"))
            if ACCESS_COOKIE in cookies:
                token = cookies[ACCESS_COOKIE].value
    if not token:
        return None, False
    try:
        claims = container.tokens.decode(token, "access")
    except TokenError:
        return None, False
    user_id = claims.get("user_id")
    if not user_id:
        return None, False
    desk = claims.get("desk") is True and await desk_claim_holds(
        container.rate_limiter, str(user_id), int(claims.get("iat", 0))
    )
    return str(user_id), desk
