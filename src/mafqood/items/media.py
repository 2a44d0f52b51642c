"""Serving locally stored photos at /media, a report's only once its row has committed."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import FileResponse
from sqlalchemy import select

from mafqood.core.errors import NotFound
from mafqood.core.web import SessionDep
from mafqood.items.models import Item
from mafqood.storage.base import IMMUTABLE_CACHE_CONTROL, StorageError
from mafqood.storage.deps import StorageDep
from mafqood.storage.local import MEDIA_ROUTE, LocalStorage

router = APIRouter(tags=["media"])


@router.get(MEDIA_ROUTE + "/{key:path}", include_in_schema=False)
async def media(key: str, storage: StorageDep, db: SessionDep) -> FileResponse:
    if not isinstance(storage, LocalStorage):
        raise NotFound()
    try:
        path = storage.path(key)
    except StorageError as exc:
        raise NotFound() from exc
    if not path.is_file() or path.name.startswith("."):
        raise NotFound()
    if not await _report_photo_committed(db, key):
        raise NotFound()
    return FileResponse(
        path, media_type="image/jpeg", headers={"Cache-Control": IMMUTABLE_CACHE_CONTROL}
    )


async def _report_photo_committed(db: SessionDep, key: str) -> bool:
    """A report's photo is written just before its row commits: until then, and for ever if
    the row never commits (the periodic guard job deletes such files), it is not served."""
    folder, _, name = key.partition("/")
    if folder != "items":
        return True
    try:
        item_id = uuid.UUID(name.split("_", 1)[0].removesuffix(".jpg"))
    except ValueError:
        return False
    return await db.scalar(select(Item.id).where(Item.id == item_id)) is not None
