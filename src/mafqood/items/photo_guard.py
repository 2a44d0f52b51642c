"""The orphan guard of a report's photo: a photo is written to storage before its report
commits, so a process killed in between would leave files that no report holds. A guard job,
committed first, deletes them after a grace period unless the report's transaction released
it."""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy import delete, select

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item, ItemPhoto
from mafqood.photos.service import photo_keys
from mafqood.storage import Storage
from mafqood.worker import outbox
from mafqood.worker.app import REMOVE_ORPHAN_PHOTO

log = structlog.get_logger(__name__)


async def guard_report_photo(session: UnitOfWork, base_key: str, grace_seconds: int) -> uuid.UUID:
    """Commit, before a report's photo is written, a job that deletes the photo after
    grace_seconds unless a report holds it: files written by a process killed before its
    report committed do not stay in storage. The report's transaction calls
    `release_photo_guard`, so the job only ever runs for orphans."""
    job = outbox.add_job(session, REMOVE_ORPHAN_PHOTO, {"key": base_key}, grace_seconds)
    await session.commit()
    return job.id


async def release_photo_guard(session: UnitOfWork, guard_id: uuid.UUID) -> None:
    await session.execute(delete(outbox.OutboxJob).where(outbox.OutboxJob.id == guard_id))


async def remove_orphan_photo(session: UnitOfWork, storage: Storage, job_id: uuid.UUID) -> bool:
    """Run a photo guard: delete the files when no report holds them. True when deleted."""
    job = await outbox.claim(session, job_id)
    if job is None:
        return False
    base_key = str(job.payload["key"])
    held = await session.scalar(
        select(ItemPhoto.item_id)
        .where((ItemPhoto.image_key == base_key) | (ItemPhoto.redacted_key == base_key))
        .limit(1)
    ) or await session.scalar(select(Item.id).where(Item.image_key == base_key).limit(1))
    if held is None:
        await storage.delete(photo_keys(base_key))
        log.info("orphan_photo_removed", key=base_key)
    await session.delete(job)
    await session.commit()
    return held is None
