"""Background work of messaging: deleting the threads that ended (retention.py)."""

from __future__ import annotations

import structlog

from mafqood.messaging.retention import purge_ended
from mafqood.photos.ports import PhotoStoreServices
from mafqood.worker.app import PURGE_ENDED_THREADS
from mafqood.worker.background import task

log = structlog.get_logger(__name__)


@task(PURGE_ENDED_THREADS)
async def purge_ended_threads(services: PhotoStoreServices) -> int:
    async with services.sessionmaker() as session:
        count, keys = await purge_ended(session)
        await session.commit()
    if keys:
        await services.storage.delete(keys)
    if count:
        log.info("message_threads_purged", count=count, photos=len(keys) // 3)
    return count
