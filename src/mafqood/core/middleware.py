"""HTTP middlewares: request ids, body size limits, the client address behind trusted proxies,
security headers.

Request ids are taken from X-Request-ID when the caller sends a sane one, else generated."""

from __future__ import annotations

import ipaddress
import re
import time
import uuid
from contextvars import ContextVar
from urllib.parse import parse_qsl

import structlog
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mafqood.core.errors import error_body, field_summary
from mafqood.core.i18n import request_language, translate
from mafqood.core.request_context import ClientInfo
from mafqood.core.validation import NUL

log = structlog.get_logger(__name__)

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        # When the request arrived (time.monotonic): handlers that wait bound the
        # whole request, body parsing included.
        state["received_at"] = time.monotonic()
        structlog.contextvars.bind_contextvars(request_id=request_id)

        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Logged here, where the request id is bound, and answered here: the one log line
            # of an unexpected error carries the id that the 500 body shows.
            log.exception("unhandled_error", path=scope.get("path"))
            if scope["type"] != "http" or started:
                return
            request = Request(scope)
            message = translate("internal_error", request_language(request))
            response = JSONResponse(error_body(request, "internal_error", message), 500)
            await response(scope, receive, send_with_id)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")


class BodyTooLarge(StarletteHTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodySizeLimitMiddleware:
    """Refuses bodies over the route's limit while they stream in, before they are
    buffered: at once when Content-Length says so, else as soon as the count passes it.
    The upload of one photo gets the photo limit; reports (up to 5 photos) and a venue
    desk's intake a larger one; every other route the small limit, whatever its content
    type says."""

    def __init__(self, app: ASGIApp, small_bytes: int, photo_bytes: int, batch_bytes: int) -> None:
        self.app = app
        self.small_bytes = small_bytes
        self.photo_bytes = photo_bytes
        self.batch_bytes = batch_bytes

    def limit_for(self, scope: Scope) -> int:
        if scope["method"] != "POST":
            return self.small_bytes
        if ONE_PHOTO.fullmatch(scope["path"]):
            return self.photo_bytes
        if SEVERAL_PHOTOS.fullmatch(scope["path"]):
            return self.batch_bytes
        return self.small_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge()
            return message

        await self.app(scope, counting_receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        message = translate("payload_too_large", request_language(request))
        response = JSONResponse(
            error_body(request, "payload_too_large", message),
            status_code=413,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


# The POST routes that take photos: one (an upload, a photo added to a report), or several
# (a report's up to five; a desk's intake, by the API and the dashboard's form; a message's
# up to three).
ONE_PHOTO = re.compile(r"/api/v1/upload/image|/api/v1/items/[^/]+/photos")
SEVERAL_PHOTOS = re.compile(
    r"/api/v1/(lost|found)|/api/v1/venues/[^/]+/items|/staff/venues/[^/]+/intake"
    r"|/api/v1/threads/[^/]+/messages"
)
# Of those, what counts against a person's photo-upload limit (a desk's intake is counted per
# venue and per photo by the intake itself: mafqood.desk.budget); a lost report sent without a
# photo counts too, as one report of the same budget.
PERSONAL_UPLOADS = re.compile(
    r"/api/v1/(lost|found|upload/image|lost/described)|/api/v1/items/[^/]+/photos"
)


class QueryTextMiddleware:
    """Refuses a query parameter holding a NUL character (PostgreSQL cannot store or compare
    it), naming the parameter: the query-string side of InputModel's rule for bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if b"%00" in query:
            pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
            names = [name for name, value in pairs if NUL in value or NUL in name]
            if names:
                request = Request(scope)
                language = request_language(request)
                fields = [
                    {
                        "loc": ["query", name],
                        "msg": translate("field.nul_character", language),
                        "type": "nul_character",
                    }
                    for name in names
                ]
                response = JSONResponse(
                    error_body(
                        request, "validation_error", field_summary(language, fields), fields
                    ),
                    status_code=422,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


_client: ContextVar[ClientInfo | None] = ContextVar("mafqood_client", default=None)


def current_client() -> ClientInfo:
    """Who is calling, for audit rows written where no request is at hand."""
    return _client.get() or ClientInfo(ip=None, user_agent=None)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def forwarded_client(peer: str | None, forwarded_for: str, trusted: list[Network]) -> str | None:
    """The client address: the peer's, unless the peer is a trusted proxy; then X-Forwarded-For
    is walked from the right (nearest hop first) past trusted proxies. Addresses left of the
    first untrusted hop were written by the client itself and are ignored."""

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in trusted)

    peer_address = _parse_ip(peer) if peer else None
    if peer_address is None or not is_trusted(peer_address) or not forwarded_for:
        return peer
    client = peer
    for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        address = _parse_ip(hop)
        if address is None:
            break
        client = str(address)
        if not is_trusted(address):
            break
    return client


class ClientAddressMiddleware:
    """Sets the request's client address (used by limits, audit rows and logs): the peer, or what
    a configured trusted proxy reports in X-Forwarded-For / X-Forwarded-Proto."""

    def __init__(self, app: ASGIApp, trusted_proxies: list[str]) -> None:
        self.app = app
        self.trusted = [ipaddress.ip_network(entry, strict=False) for entry in trusted_proxies]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers") or []
        client = scope.get("client")
        peer = client[0] if client else None
        if self.trusted and peer is not None:
            forwarded = ",".join(
                value.decode("latin-1") for name, value in headers if name == b"x-forwarded-for"
            )
            address = forwarded_client(peer, forwarded, self.trusted)
            if address != peer and client is not None:
                scope["client"] = (address, client[1])
                proto = dict(headers).get(b"x-forwarded-proto", b"").decode("latin-1").lower()
                if proto in ("http", "https") and scope["type"] == "http":
                    scope["scheme"] = proto
        user_agent = dict(headers).get(b"user-agent")
        ip = scope["client"][0] if scope.get("client") else None
        token = _client.set(
            ClientInfo(
                ip=ip if ip and _parse_ip(ip) else None,
                user_agent=user_agent.decode("latin-1") if user_agent else None,
            )
        )
        try:
            await self.app(scope, receive, send)
        finally:
            _client.reset(token)


_DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    """Headers that make browsers treat API answers as data only: no sniffing, no framing, no
    referrer, no caching of signed-in answers; HSTS in production."""

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        signed_in = any(name == b"authorization" for name, _ in scope.get("headers") or [])
        docs = scope["path"].startswith(_DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if not docs:
                    # The interactive docs load their scripts and styles from a CDN.
                    wanted.append(
                        (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
                    )
                if self.hsts:
                    wanted.append(
                        (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
                    )
                if signed_in:
                    wanted.append((b"cache-control", b"no-store"))
                headers.extend(pair for pair in wanted if pair[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
