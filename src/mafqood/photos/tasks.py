"""Background work on stored photos."""

from __future__ import annotations

import uuid

from celery import Task

from mafqood.photos.service import remove_orphan_photo
from mafqood.worker import runtime
from mafqood.worker.app import REMOVE_ORPHAN_PHOTO
from mafqood.worker.tasks import MAX_RETRIES, TRANSIENT, retry, task


@task(REMOVE_ORPHAN_PHOTO, bind=True, max_retries=MAX_RETRIES)
def remove_orphan_photo_task(self: Task, job_id: str) -> bool:
    worker = runtime.current()
    container = worker.container

    async def run() -> bool:
        async with container.sessionmaker() as session:
            return await remove_orphan_photo(session, container.storage, uuid.UUID(job_id))

    try:
        return worker.run(run())
    except TRANSIENT as exc:
        raise retry(self, exc) from exc
