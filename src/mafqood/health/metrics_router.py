"""GET /metrics in Prometheus' text format (kept out of the OpenAPI schema): the operator's
view over every domain (queues, matches, key statistics, the health probes)."""

from __future__ import annotations

import asyncio
import hmac
import shutil
from datetime import UTC, datetime
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import func, select

from mafqood.admin import stats
from mafqood.core.errors import NotFound, Unauthorized
from mafqood.core.web import process_container
from mafqood.health.ports import MetricsServices
from mafqood.health.router import probe_all
from mafqood.lifecycle.models import Match
from mafqood.lifecycle.statuses import MatchStatus
from mafqood.matching.backlog import analysis_backlog
from mafqood.observability.metrics import (
    ACTIVE_USERS,
    ANALYSIS_OLDEST,
    DB_POOL,
    DELAY_30D,
    DEPENDENCY_UP,
    KEY_COUNTS_30D,
    MATCH_RATES_30D,
    MATCHES,
    MATCHES_CREATED_24H,
    QUEUE_LENGTH,
    STORAGE_USED,
    render,
)
from mafqood.storage import LocalStorage
from mafqood.worker.app import QUEUE, VISION_QUEUE
from mafqood.worker.outbox import OutboxJob

MetricsServicesDep = Annotated[MetricsServices, Depends(process_container)]

log = structlog.get_logger(__name__)
router = APIRouter(tags=["observability"])

GAUGE_TIMEOUT_S = 2.0


async def _queue_gauges(container: MetricsServices) -> None:
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
        for status in MatchStatus:
            MATCHES.labels(status=status.value).set(counts.get(status.value, 0))
        recent = await session.scalar(
            select(func.count())
            .select_from(Match)
            .where(Match.created_at > func.now() - func.make_interval(0, 0, 0, 1))
        )
        MATCHES_CREATED_24H.set(recent or 0)


async def _dependency_gauges(container: MetricsServices) -> None:
    """The health probes' answers, for alerting on a dependency that stops answering."""
    for name, status in (await probe_all(container)).items():
        DEPENDENCY_UP.labels(service=name).set(1 if status == "healthy" else 0)
    storage = container.storage
    if isinstance(storage, LocalStorage):
        usage = await asyncio.to_thread(shutil.disk_usage, storage.root)
        STORAGE_USED.set(usage.used / usage.total)


async def _key_metric_gauges(container: MetricsServices) -> None:
    end = datetime.now(UTC)
    async with container.sessionmaker() as session:
        found = await stats.compute(session, end - stats.MONTH, end)
    ACTIVE_USERS.labels(window="24h").set(found.daily_active_users)
    ACTIVE_USERS.labels(window="30d").set(found.monthly_active_users)
    counts = {
        "registrations": found.new_users,
        "lost_posted": found.lost_posted,
        "found_posted": found.found_posted,
        "items_closed": found.items_closed,
        "items_claimed": found.items_claimed,
        "matches_shown": found.matches_shown,
        "matches_confirmed": found.matches_confirmed,
        "matches_rejected": found.matches_rejected,
        "reunions": found.successful_reunions,
    }
    for event, count in counts.items():
        KEY_COUNTS_30D.labels(event=event).set(count)
    for step, delay in (("first_match", found.first_match), ("reunion", found.reunion)):
        DELAY_30D.labels(step=step, statistic="average").set(delay.average_s or 0)
        DELAY_30D.labels(step=step, statistic="median").set(delay.median_s or 0)
    MATCH_RATES_30D.labels(rate="acceptance").set(found.acceptance_rate or 0)
    MATCH_RATES_30D.labels(rate="false_positive").set(found.false_positive_rate or 0)


def _pool_gauges(container: MetricsServices) -> None:
    pool = container.engine.pool
    checked_out = getattr(pool, "checkedout", None)
    checked_in = getattr(pool, "checkedin", None)
    if callable(checked_out) and callable(checked_in):
        DB_POOL.labels(state="checked_out").set(checked_out())
        DB_POOL.labels(state="idle").set(checked_in())


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, container: MetricsServicesDep) -> Response:
    settings = container.settings
    if not settings.serves_metrics:
        raise NotFound()
    if settings.metrics_token is not None:
        expected = f"Bearer {settings.metrics_token.get_secret_value()}"
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthorized()
    # Each group has its own time limit, so that slow statistics cannot starve queue gauges.
    for gauges in (_queue_gauges, _key_metric_gauges):
        try:
            await asyncio.wait_for(gauges(container), GAUGE_TIMEOUT_S)
        except Exception:
            # The scrape still answers with everything else; stale gauges beat no metrics.
            log.warning("metrics_gauges_failed", group=gauges.__name__, exc_info=True)
    await _dependency_gauges(container)
    _pool_gauges(container)
    body, content_type = render()
    return Response(body, media_type=content_type)
