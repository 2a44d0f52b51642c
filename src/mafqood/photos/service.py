"""Receive, process and store photos; undo the stored files if the transaction fails."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from starlette.datastructures import UploadFile

from mafqood.core.errors import AppError, FieldError, PayloadTooLarge, UnsupportedMedia
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.photos.processing import PhotoError, ProcessedPhoto, process_photo
from mafqood.photos.screening import PhotoScreening
from mafqood.storage import Storage, StorageError

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
    return photo_urls_under(storage.base_url, base_key)


def photo_urls_under(base_url: str, base_key: str) -> tuple[str, str, str]:
    """The URLs of a photo's three files (photo_keys) under the storage's public base."""
    prefix = f"{base_url}/{base_key}"
    return f"{prefix}.jpg", f"{prefix}_thumb.jpg", f"{prefix}_small.jpg"


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
