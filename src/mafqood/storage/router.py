"""Serves photos of the local storage backend (with S3 they come from the bucket / CDN)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from mafqood.core.deps import ContainerDep
from mafqood.core.errors import NotFound
from mafqood.storage.base import IMMUTABLE_CACHE_CONTROL, StorageError
from mafqood.storage.local import MEDIA_ROUTE, LocalStorage

router = APIRouter(tags=["media"])


@router.get(MEDIA_ROUTE + "/{key:path}", include_in_schema=False)
async def media(key: str, container: ContainerDep) -> FileResponse:
    storage = container.storage
    if not isinstance(storage, LocalStorage):
        raise NotFound()
    try:
        path = storage.path(key)
    except StorageError as exc:
        raise NotFound() from exc
    if not path.is_file() or path.name.startswith("."):
        raise NotFound()
    return FileResponse(
        path, media_type="image/jpeg", headers={"Cache-Control": IMMUTABLE_CACHE_CONTROL}
    )
