"""The ASGI application."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from mafqood import __version__
from mafqood.admin.router import reset_router
from mafqood.admin.router import router as admin_router
from mafqood.auth.router import router as auth_router
from mafqood.composition.container import Container
from mafqood.composition.runtime import prepare_runtime
from mafqood.composition.texts import register_texts
from mafqood.core.config import Settings, get_settings
from mafqood.core.errors import install_error_handlers
from mafqood.core.logging import configure_logging
from mafqood.core.middleware import (
    BodySizeLimitMiddleware,
    ClientAddressMiddleware,
    QueryTextMiddleware,
    RequestIdMiddleware,
    SecurityHeadersMiddleware,
)
from mafqood.desk.router import reports_router as desk_reports_router
from mafqood.desk.router import router as desk_router
from mafqood.health.metrics_router import router as metrics_router
from mafqood.health.router import router as health_router
from mafqood.items.media import router as media_router
from mafqood.items.router import router as items_router
from mafqood.lifecycle.retention_router import router as retention_router
from mafqood.lifecycle.router import claim_router, report_router
from mafqood.matching.router import report_router as reporting_router
from mafqood.matching.router import router as matching_router
from mafqood.messaging.router import router as messaging_router
from mafqood.moderation.router import router as moderation_router
from mafqood.notifications.router import router as notifications_router
from mafqood.observability.middleware import MetricsMiddleware
from mafqood.observability.openapi import document_common_errors
from mafqood.photos.router import router as photos_router
from mafqood.privacy.router import router as privacy_router
from mafqood.public.pages import router as public_pages
from mafqood.ratelimit.middleware import RateLimitMiddleware
from mafqood.ratelimit.overload import install_overload_handler
from mafqood.realtime.router import router as realtime_router
from mafqood.staff.app import install_staff_dashboard
from mafqood.users.router import router as users_router
from mafqood.venues.router import router as venues_router

log = structlog.get_logger(__name__)

DESCRIPTION = """
Mafqood matches lost and found reports with computer vision and text understanding.

Every error has the same JSON body: `code` (stable, for programs), `message` (for people,
in English or Arabic: `Accept-Language`, else the user's `preferred_language`), `detail`
(the message, or for 422 the list of field errors) and `request_id`.
"""


def create_served_app() -> FastAPI:
    """The app of a long-running API process: `uvicorn --factory mafqood.main:create_served_app`
    (the Docker image, Kubernetes) and `mafqood serve`."""
    return create_app(serving=True)


def create_app(settings: Settings | None = None, *, serving: bool = False) -> FastAPI:
    """serving: the app of a long-running API process, not of a test."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    register_texts(settings)
    if settings.metrics_enabled and not settings.serves_metrics:
        log.warning("metrics_off_without_token", reason="set METRICS_TOKEN to serve /metrics")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await asyncio.to_thread(prepare_runtime, settings)
        container = Container.build(settings, runtime.database_url, runtime.redis_url)
        await container.prepare()
        # Events published by any process reach the sockets this one holds.
        await container.hub.start()
        app.state.container = container
        if serving:
            # What start-up built lives as long as the process: kept out of the collector's
            # full passes, which otherwise walk it all (over 100 ms on 2 cores) and stall
            # every request in flight, most often in a burst, which allocates the most.
            gc.freeze()
        try:
            yield
        finally:
            await container.hub.stop()
            await container.close()
            runtime.stop()

    app = FastAPI(
        title="Mafqood API",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url="/redoc",
    )
    app.state.settings = settings
    app.add_middleware(
        BodySizeLimitMiddleware,
        small_bytes=settings.max_json_body_bytes,
        # Room for the form fields next to the largest photo.
        photo_bytes=settings.max_upload_bytes + 2**20,
        batch_bytes=settings.intake_max_bytes,
    )
    app.add_middleware(QueryTextMiddleware)
    # Added last runs first: client address -> metrics/access log -> limits -> body limits.
    app.add_middleware(RateLimitMiddleware, settings=settings)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(ClientAddressMiddleware, trusted_proxies=settings.trusted_proxies)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.is_production)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Accept-Language", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After", "Content-Disposition"],
            max_age=600,
        )
    install_error_handlers(app)
    install_overload_handler(app)
    document_common_errors(app)
    app.include_router(health_router)
    app.include_router(auth_router)
    app.include_router(users_router)
    # Reporting (/lost, /found) and /history come first under "items" in the API's docs.
    app.include_router(reporting_router)
    app.include_router(items_router)
    app.include_router(report_router)
    app.include_router(matching_router)
    app.include_router(photos_router)
    app.include_router(media_router)
    app.include_router(notifications_router)
    app.include_router(realtime_router)
    app.include_router(privacy_router)
    app.include_router(moderation_router)
    app.include_router(admin_router)
    app.include_router(venues_router)
    app.include_router(desk_router)
    app.include_router(claim_router)
    app.include_router(messaging_router)
    app.include_router(retention_router)
    app.include_router(desk_reports_router)
    app.include_router(metrics_router)
    install_staff_dashboard(app)
    app.include_router(public_pages)
    if settings.environment in ("development", "test"):
        app.include_router(reset_router)
    return app
