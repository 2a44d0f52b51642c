"""Background work on stored photos: photos uploaded on their own and never used."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog

from mafqood.photos.ports import PhotoStoreServices
from mafqood.storage import LocalStorage, S3Storage
from mafqood.worker.app import DELETE_TEMP_UPLOADS
from mafqood.worker.background import task

log = structlog.get_logger(__name__)

TEMP_PREFIX = "temp/"


def _old_local_files(root: Path, cutoff: datetime) -> list[str]:
    folder = root / TEMP_PREFIX
    if not folder.is_dir():
        return []
    limit = cutoff.timestamp()
    return [
        path.relative_to(root).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.stat().st_mtime < limit
    ]


def _old_s3_objects(storage: S3Storage, cutoff: datetime) -> list[str]:
    keys: list[str] = []
    paginator = storage.client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=storage.bucket, Prefix=TEMP_PREFIX):
        keys.extend(
            entry["Key"] for entry in page.get("Contents", []) if entry["LastModified"] < cutoff
        )
    return keys


@task(DELETE_TEMP_UPLOADS)
async def delete_temp_uploads(services: PhotoStoreServices) -> int:
    """Photos uploaded on their own (POST /upload/image) and older than the limit."""
    cutoff = datetime.now(UTC) - timedelta(hours=services.settings.temp_upload_max_age_hours)
    storage = services.storage
    if isinstance(storage, LocalStorage):
        keys = await asyncio.to_thread(_old_local_files, storage.root, cutoff)
    elif isinstance(storage, S3Storage):
        keys = await asyncio.to_thread(_old_s3_objects, storage, cutoff)
    else:
        return 0
    if keys:
        await storage.delete(keys)
        log.info("temporary_uploads_deleted", count=len(keys))
    return len(keys)
