"""Background work on stored photos."""

from __future__ import annotations

import uuid

from mafqood.photos.service import remove_orphan_photo
from mafqood.worker.app import REMOVE_ORPHAN_PHOTO
from mafqood.worker.background import task
from mafqood.worker.runtime import WorkerRuntime


@task(REMOVE_ORPHAN_PHOTO, retried=True)
async def remove_orphan_photo_task(worker: WorkerRuntime, job_id: str) -> bool:
    container = worker.container
    async with container.sessionmaker() as session:
        return await remove_orphan_photo(session, container.storage, uuid.UUID(job_id))
