from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, UploadFile, status

from mafqood.core.web import SessionDep, SettingsDep
from mafqood.photos.schemas import UploadOut
from mafqood.photos.screening import ScreeningDep
from mafqood.photos.service import photo_keys, photo_urls, process_upload, store_photo
from mafqood.storage.deps import StorageDep
from mafqood.users.deps import CurrentUser

router = APIRouter(prefix="/api/v1/upload", tags=["uploads"])


@router.post(
    "/image",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadOut,
    responses={
        401: {"description": "Not signed in"},
        413: {"description": "Larger than 10 MB"},
        415: {"description": "Not a supported photo"},
        422: {"description": "Damaged photo or invalid type"},
    },
)
async def upload_image(
    image: Annotated[UploadFile, File(description="JPEG, PNG, WebP or HEIC, up to 10 MB")],
    user: CurrentUser,
    db: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    screening: ScreeningDep,
    type: Annotated[Literal["avatar", "item"], Form()] = "item",
) -> UploadOut:
    """Upload a photo on its own. An avatar becomes your profile picture at once; an item
    photo is kept for 24 hours."""
    photo = await process_upload(image, settings.max_upload_bytes, settings.max_image_pixels)
    if type == "avatar":
        key = f"avatars/{user.id}_{uuid.uuid4().hex[:12]}"
    else:
        key = f"temp/{uuid.uuid4()}"
    stored = await store_photo(db, storage, screening, photo, key)
    url, thumbnail_url, small_url = photo_urls(storage, stored.key)
    if type == "avatar":
        previous = _avatar_key(user.avatar_url, storage.url(""))
        user.avatar_url = thumbnail_url
        if previous:

            async def remove_previous() -> None:
                await storage.delete(photo_keys(previous))

            db.after_commit(remove_previous)
    return UploadOut(url=url, thumbnail_url=thumbnail_url, small_thumbnail_url=small_url)


def _avatar_key(avatar_url: str | None, storage_base: str) -> str | None:
    """The base key of an avatar we stored (a URL from elsewhere is left alone)."""
    if not avatar_url or not avatar_url.startswith(storage_base + "avatars/"):
        return None
    return avatar_url[len(storage_base) :].removesuffix("_thumb.jpg")
