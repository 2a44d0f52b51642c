"""Receive, process and store photos; undo the stored files if the transaction fails."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass

import structlog
from sqlalchemy import delete, select
from starlette.datastructures import UploadFile

from mafqood.core.errors import AppError, FieldError, PayloadTooLarge, UnsupportedMedia
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item, ItemPhoto
from mafqood.photos.processing import PhotoError, ProcessedPhoto, process_photo
from mafqood.photos.screening import PhotoScreening
from mafqood.storage import Storage, StorageError
from mafqood.worker import outbox
from mafqood.worker.app import REMOVE_ORPHAN_PHOTO

log = structlog.get_logger(__name__)

CHUNK = 1024 * 1024


class StorageUnavailable(AppError):
    status_code = 503
    code = "storage_unavailable"


@dataclass(frozen=True)
class StoredPhoto:
    photo: ProcessedPhoto
    key: str  # base key; files are key.jpg, key_thumb.jpg, key_small.jpg

    @property
    def keys(self) -> list[str]:
        return photo_keys(self.key)


def photo_keys(base_key: str) -> list[str]:
    return [f"{base_key}.jpg", f"{base_key}_thumb.jpg", f"{base_key}_small.jpg"]


def photo_urls(storage: Storage, base_key: str) -> tuple[str, str, str]:
    original, thumb, small = photo_keys(base_key)
    return storage.url(original), storage.url(thumb), storage.url(small)


async def read_upload(upload: UploadFile, max_bytes: int) -> bytes:
    """The file's bytes, refusing more than max_bytes without reading further."""
    chunks: list[bytes] = []
    total = 0
    while chunk := await upload.read(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise PayloadTooLarge("image_too_large", params={"max_mb": max_bytes // 2**20})
        chunks.append(chunk)
    if total == 0:
        raise FieldError("image", "empty_image")
    return b"".join(chunks)


async def process_upload(upload: UploadFile, max_bytes: int, max_pixels: int) -> ProcessedPhoto:
    data = await read_upload(upload, max_bytes)
    try:
        return await asyncio.to_thread(process_photo, data, max_pixels)
    except PhotoError as exc:
        if exc.code == "unsupported_image":
            raise UnsupportedMedia("unsupported_image") from exc
        raise FieldError("image", exc.code, max_mp=max_pixels // 1_000_000) from exc


async def store_photo(
    uow: UnitOfWork,
    storage: Storage,
    screening: PhotoScreening,
    photo: ProcessedPhoto,
    base_key: str,
) -> StoredPhoto:
    """Screen the photo, put it and its thumbnails in storage; they are removed again if the
    unit of work rolls back."""
    await screening.check(photo.image)
    stored = StoredPhoto(photo, base_key)
    original, thumb, small = stored.keys
    try:
        await asyncio.gather(
            storage.put(original, photo.original, "image/jpeg"),
            storage.put(thumb, photo.thumbnail, "image/jpeg"),
            storage.put(small, photo.small, "image/jpeg"),
        )
    except StorageError as exc:
        await _forget(storage, stored.keys)
        raise StorageUnavailable() from exc

    async def undo() -> None:
        await storage.delete(stored.keys)

    uow.on_rollback(undo)
    return stored


async def _forget(storage: Storage, keys: list[str]) -> None:
    with contextlib.suppress(StorageError):
        await storage.delete(keys)


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
        select(ItemPhoto.item_id).where(ItemPhoto.image_key == base_key).limit(1)
    ) or await session.scalar(select(Item.id).where(Item.image_key == base_key).limit(1))
    if held is None:
        await storage.delete(photo_keys(base_key))
        log.info("orphan_photo_removed", key=base_key)
    await session.delete(job)
    await session.commit()
    return held is None
