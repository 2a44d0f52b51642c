"""Background work on reports: the orphan guards of their photos, and the sweep that queues
again an analysis left without a job."""

from __future__ import annotations

import uuid

from mafqood.items import analysis_queue
from mafqood.items.photo_guard import remove_orphan_photo
from mafqood.photos.ports import PhotoStoreServices
from mafqood.worker.app import REMOVE_ORPHAN_PHOTO, SWEEP_UNANALYSED
from mafqood.worker.background import task
from mafqood.worker.ports import TaskServices


@task(REMOVE_ORPHAN_PHOTO, retried=True)
async def remove_orphan_photo_task(services: PhotoStoreServices, job_id: str) -> bool:
    async with services.sessionmaker() as session:
        return await remove_orphan_photo(session, services.storage, uuid.UUID(job_id))


@task(SWEEP_UNANALYSED)
async def sweep_unanalysed(services: TaskServices) -> int:
    return await analysis_queue.sweep_unanalysed(services.sessionmaker)
