"""Load shedding: when a request cannot get a database connection in time (the process is
overloaded), answer 503 with Retry-After at once instead of a 500 after a long wait."""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as PoolTimeout

from mafqood.core.errors import ServiceBusy, error_response
from mafqood.observability.metrics import OVERLOAD_REJECTIONS

log = structlog.get_logger(__name__)

RETRY_AFTER_SECONDS = 5


def install_overload_handler(app: FastAPI) -> None:
    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, exc: PoolTimeout) -> JSONResponse:
        OVERLOAD_REJECTIONS.inc()
        log.warning("overloaded", path=request.url.path, reason="database_pool_timeout")
        return error_response(request, ServiceBusy(retry_after=RETRY_AFTER_SECONDS))
