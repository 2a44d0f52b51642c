"""A report's photos: up to MAX_PHOTOS views (the front, the back, a detail), each stored with
its thumbnails and analysed on its own; matching compares every view of both reports.

Position 0 is the main photo: the items row carries its URLs and analysis too (what the app
in users' hands shows, and what the first search stage reads). Adding or removing a photo
sends the report back for analysis, so that its matches follow its photos.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from starlette.datastructures import UploadFile

from mafqood.core.errors import Conflict, FieldError, NotFound
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.analysis_queue import enqueue_analysis
from mafqood.items.models import MAX_PHOTOS, Item, ItemPhoto
from mafqood.items.photo_access import PhotoAccess, Report, shown_key
from mafqood.items.photo_guard import guard_report_photo, release_photo_guard
from mafqood.items.ports import PhotoServices
from mafqood.items.schemas import PhotoOut
from mafqood.items.service import get_owned_item
from mafqood.photos.processing import ProcessedPhoto
from mafqood.photos.service import (
    StoredPhoto,
    photo_keys,
    photo_urls,
    photo_urls_under,
    process_upload,
    store_photo,
)
from mafqood.storage import Storage
from mafqood.users.models import User


def photo_key(item_id: uuid.UUID) -> str:
    """Storage base key of one view. It starts with the item's id, which is what /media
    checks before serving a report's photo, and carries 128 random bits: knowing an item's
    id is not enough to reach its photos, so a document's is reached only through the URL
    that items/photo_access.py gives."""
    return f"items/{item_id}_{secrets.token_hex(16)}"


async def read_photos(
    uploads: Sequence[UploadFile], services: PhotoServices
) -> list[ProcessedPhoto]:
    """Checked, oriented, stripped photos of a submission (at least one, at most five)."""
    if not uploads:
        raise FieldError("image", "missing")
    if len(uploads) > MAX_PHOTOS:
        raise FieldError("image", "too_many_photos", max_photos=MAX_PHOTOS)
    settings = services.settings
    return [
        await process_upload(upload, settings.max_upload_bytes, settings.max_image_pixels)
        for upload in uploads
    ]


async def store_views(
    db: UnitOfWork,
    services: PhotoServices,
    item_id: uuid.UUID,
    photos: list[ProcessedPhoto],
    first_position: int = 0,
) -> list[tuple[int, StoredPhoto, uuid.UUID]]:
    """Store each photo behind an orphan guard (see photo_guard); returns (position,
    stored photo, guard) for the rows that the caller's transaction adds."""
    stored = []
    for offset, photo in enumerate(photos):
        position = first_position + offset
        key = photo_key(item_id)
        guard = await guard_report_photo(db, key, services.settings.orphan_photo_grace_seconds)
        stored.append(
            (
                position,
                await store_photo(db, services.storage, services.photo_screening, photo, key),
                guard,
            )
        )
    return stored


async def add_rows(
    db: UnitOfWork, item_id: uuid.UUID, stored: list[tuple[int, StoredPhoto, uuid.UUID]]
) -> None:
    for position, photo, guard in stored:
        db.add(
            ItemPhoto(
                item_id=item_id,
                position=position,
                image_key=photo.key,
                image_hash=photo.photo.perceptual_hash,
                shows_document=False,
                redacted_key=None,
            )
        )
        await release_photo_guard(db, guard)
    await db.flush()


def photos_out(item: Report, storage: Storage, access: PhotoAccess) -> list[PhotoOut]:
    """The report's photos, main first, as `access` may see them (photo_access); a row read
    without them shows its main photo. Built from the row without validation: every value
    already has its answer's type."""
    base_url = storage.base_url
    views = item.__dict__.get("photos") or []
    if not views and item.image_key:
        key = shown_key(item, None, item.image_key, access)
        image, thumb, small = photo_urls_under(base_url, key)
        return [
            PhotoOut.model_construct(
                id=None, position=0, url=image, thumbnail_url=thumb, small_thumbnail_url=small
            )
        ]
    result = []
    for view in views:
        key = shown_key(item, view, view.image_key, access)
        image, thumb, small = photo_urls_under(base_url, key)
        result.append(
            PhotoOut.model_construct(
                id=view.id,
                position=view.position,
                url=image,
                thumbnail_url=thumb,
                small_thumbnail_url=small,
            )
        )
    return result


@dataclass(frozen=True)
class AddPhoto:
    item_id: uuid.UUID
    upload: UploadFile


@dataclass(frozen=True)
class RemovePhoto:
    item_id: uuid.UUID
    photo_id: uuid.UUID


async def add_photo(
    db: UnitOfWork, owner: User, command: AddPhoto, services: PhotoServices
) -> Item:
    """Append a view to the owner's report (it must have fewer than MAX_PHOTOS); the first
    photo of a report sent without one becomes its main photo."""
    item = await get_owned_item(db, command.item_id, owner)
    upload = command.upload
    count = await db.scalar(select(func.count()).where(ItemPhoto.item_id == item.id)) or 0
    if count >= MAX_PHOTOS:
        raise Conflict("too_many_photos", params={"max_photos": MAX_PHOTOS})
    [photo] = await read_photos([upload], services)
    stored = await store_views(db, services, item.id, [photo], first_position=count)
    await add_rows(db, item.id, stored)
    if count == 0:
        # A lost report sent without a photo: this one becomes its main photo.
        main = stored[0][1]
        image, thumb, _ = photo_urls(services.storage, main.key)
        item.image_key, item.image_hash = main.key, main.photo.perceptual_hash
        item.image_url, item.thumbnail_url = image, thumb
    await _analyse_again(db, item)
    return item


async def remove_photo(
    db: UnitOfWork, owner: User, command: RemovePhoto, services: PhotoServices
) -> Item:
    """Remove a view of the owner's report; the next becomes the main photo when the main
    one goes. The last photo stays (a report always has one)."""
    item, photo_id = await get_owned_item(db, command.item_id, owner), command.photo_id
    views = list(
        await db.scalars(
            select(ItemPhoto)
            .where(ItemPhoto.item_id == item.id)
            .order_by(ItemPhoto.position)
            .with_for_update()
        )
    )
    gone = next((view for view in views if view.id == photo_id), None)
    if gone is None:
        raise NotFound()
    if len(views) == 1:
        raise Conflict("last_photo")
    await db.execute(delete(ItemPhoto).where(ItemPhoto.id == gone.id))
    remaining = [view for view in views if view.id != gone.id]
    # Positions stay 0..n-1; moved one by one from the bottom, so the unique (item,
    # position) pair never collides.
    for position, view in enumerate(remaining):
        if view.position != position:
            view.position = position
            await db.flush()
    if gone.position == 0:
        main = remaining[0]
        image, thumb, _ = photo_urls(services.storage, main.image_key)
        item.image_key, item.image_hash = main.image_key, main.image_hash
        item.image_url, item.thumbnail_url = image, thumb
    keys = photo_keys(gone.image_key) + (photo_keys(gone.redacted_key) if gone.redacted_key else [])

    async def remove_files() -> None:
        await services.storage.delete(keys)

    db.after_commit(remove_files)
    await _analyse_again(db, item)
    return item


async def _analyse_again(db: UnitOfWork, item: Item) -> None:
    """Back to the vision workers: the views changed, so do the vectors and the matches
    (pairs already found stay; new ones are told as usual)."""
    item.analysis_status = "pending"
    item.analysis_error = None
    item.updated_at = func.now()
    enqueue_analysis(db, item.id)
    await db.flush()
    await db.refresh(item)
