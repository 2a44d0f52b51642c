"""Counts and times every request by route template, and writes one access-log line per request
(with the request id bound by RequestIdMiddleware)."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import structlog
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mafqood.observability.metrics import (
    HTTP_IN_FLIGHT,
    HTTP_LATENCY,
    HTTP_REQUESTS,
    IMAGE_UPLOAD_FAILURES,
    IMAGE_UPLOADS,
)

access_log = structlog.get_logger("mafqood.access")

UPLOAD_ROUTES = {"/api/v1/lost", "/api/v1/found", "/api/v1/upload/image"}
_MAX_ERROR_BODY = 16 * 1024


def route_template(scope: Scope) -> str:
    """The matched route's path template (/api/v1/items/{item_id}), never the raw path: raw
    paths would make one time series per item id."""
    route = scope.get("route")
    if route is not None and hasattr(route, "path"):
        return str(route.path)
    app = scope.get("app")
    for candidate in getattr(app, "routes", []):
        match, _ = candidate.matches(scope)
        if match == Match.FULL and hasattr(candidate, "path"):
            return str(candidate.path)
    return "unmatched"


def _failure_reason(status: int, body: bytes) -> str:
    try:
        data: Any = json.loads(body)
        code = str(data.get("code") or status)
        if code == "validation_error" and isinstance(data.get("detail"), list):
            first = data["detail"][0] if data["detail"] else {}
            code = str(first.get("type") or code)
        return code
    except (ValueError, AttributeError, TypeError, IndexError):
        return str(status)


# Paths that are themselves a secret (a public page's one-time confirmation and its signed
# status link): logged without it, so that reading the logs gives nobody the link.
_SECRET_PATH = re.compile(r"^(/v/(?:confirm|status)/)[^/]+")


def logged_path(path: str) -> str:
    return _SECRET_PATH.sub(r"\1<secret>", path)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        is_upload = scope["method"] == "POST" and scope["path"] in UPLOAD_ROUTES
        error_body = bytearray()

        async def observing_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif (
                message["type"] == "http.response.body"
                and is_upload
                and status >= 400
                and len(error_body) < _MAX_ERROR_BODY
            ):
                error_body.extend(message.get("body", b""))
            await send(message)

        HTTP_IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, observing_send)
        except BaseException:
            status = 500
            raise
        finally:
            HTTP_IN_FLIGHT.dec()
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            method = scope["method"]
            HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            HTTP_LATENCY.labels(method=method, route=route).observe(elapsed)
            if is_upload:
                if status < 400:
                    IMAGE_UPLOADS.labels(outcome="success").inc()
                else:
                    IMAGE_UPLOADS.labels(outcome="failure").inc()
                    IMAGE_UPLOAD_FAILURES.labels(
                        reason=_failure_reason(status, bytes(error_body))
                    ).inc()
            client = scope.get("client")
            access_log.info(
                "request",
                method=method,
                path=logged_path(scope["path"]),
                route=route,
                status=status,
                duration_ms=round(elapsed * 1000, 1),
                client=client[0] if client else None,
            )
