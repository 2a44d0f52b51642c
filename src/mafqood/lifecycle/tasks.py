"""Background work of a found item's life."""

from __future__ import annotations

from datetime import timedelta

import structlog

from mafqood.lifecycle import matches, retention
from mafqood.lifecycle.ports import NoticeServices
from mafqood.worker.app import EXPIRE_MATCHES, RETENTION_NOTICES
from mafqood.worker.background import task
from mafqood.worker.ports import TaskServices

log = structlog.get_logger(__name__)


@task(RETENTION_NOTICES)
async def retention_notices(services: NoticeServices) -> int:
    """Daily: tell venue members about items newly past their holding period."""
    return await retention.send_due_notices(services)


@task(EXPIRE_MATCHES)
async def expire_matches(services: TaskServices) -> int:
    """Pending matches nobody acted on for match_expiry_days."""
    cutoff = timedelta(days=services.settings.match_expiry_days)
    async with services.sessionmaker() as session:
        count = await matches.expire_unanswered(session, cutoff)
        await session.commit()
    if count:
        log.info("matches_expired", count=count)
    return count
