"""Background work of the public pages: forgetting web reports never confirmed."""

from __future__ import annotations

import structlog

from mafqood.public.service import purge_unconfirmed
from mafqood.worker.app import PURGE_WEB_REPORTS
from mafqood.worker.background import task
from mafqood.worker.ports import TaskServices

log = structlog.get_logger(__name__)


@task(PURGE_WEB_REPORTS)
async def purge_web_reports(services: TaskServices) -> int:
    async with services.sessionmaker() as session:
        count = await purge_unconfirmed(session)
        await session.commit()
    if count:
        log.info("web_reports_purged", count=count)
    return count
