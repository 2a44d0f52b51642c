"""GET /metrics in Prometheus' text format (kept out of the OpenAPI schema)."""

from __future__ import annotations

import asyncio
import hmac

import structlog
from fastapi import APIRouter, Request, Response
from sqlalchemy import func, select

from mafqood.core.container import Container
from mafqood.core.deps import ContainerDep
from mafqood.core.errors import NotFound, Unauthorized
from mafqood.matching.backlog import analysis_backlog
from mafqood.matching.models import Match
from mafqood.observability.metrics import (
    ANALYSIS_OLDEST,
    DB_POOL,
    MATCHES,
    MATCHES_CREATED_24H,
    QUEUE_LENGTH,
    render,
)
from mafqood.worker.app import QUEUE, VISION_QUEUE
from mafqood.worker.outbox import OutboxJob

log = structlog.get_logger(__name__)
router = APIRouter(tags=["observability"])

MATCH_STATUSES = ("pending", "contacted", "claimed", "rejected", "expired")
GAUGE_TIMEOUT_S = 2.0


async def _queue_gauges(container: Container) -> None:
    QUEUE_LENGTH.labels(queue="celery").set(await container.redis.llen(QUEUE))
    QUEUE_LENGTH.labels(queue="vision").set(await container.redis.llen(VISION_QUEUE))
    async with container.sessionmaker() as session:
        backlog = await analysis_backlog(session)
        QUEUE_LENGTH.labels(queue="analysis").set(backlog.pending)
        ANALYSIS_OLDEST.set(backlog.oldest_seconds)
        outbox = await session.scalar(select(func.count()).select_from(OutboxJob))
        QUEUE_LENGTH.labels(queue="outbox").set(outbox or 0)
        rows = await session.execute(select(Match.status, func.count()).group_by(Match.status))
        counts = {str(row[0]): int(row[1]) for row in rows.all()}
        for status in MATCH_STATUSES:
            MATCHES.labels(status=status).set(counts.get(status, 0))
        recent = await session.scalar(
            select(func.count())
            .select_from(Match)
            .where(Match.created_at > func.now() - func.make_interval(0, 0, 0, 1))
        )
        MATCHES_CREATED_24H.set(recent or 0)


def _pool_gauges(container: Container) -> None:
    pool = container.engine.pool
    checked_out = getattr(pool, "checkedout", None)
    checked_in = getattr(pool, "checkedin", None)
    if callable(checked_out) and callable(checked_in):
        DB_POOL.labels(state="checked_out").set(checked_out())
        DB_POOL.labels(state="idle").set(checked_in())


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, container: ContainerDep) -> Response:
    settings = container.settings
    if not settings.serves_metrics:
        raise NotFound()
    if settings.metrics_token is not None:
        expected = f"Bearer {settings.metrics_token.get_secret_value()}"
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthorized()
    try:
        await asyncio.wait_for(_queue_gauges(container), GAUGE_TIMEOUT_S)
    except Exception:
        # The scrape still answers with everything else; stale gauges beat no metrics.
        log.warning("metrics_gauges_failed", exc_info=True)
    _pool_gauges(container)
    body, content_type = render()
    return Response(body, media_type=content_type)
