from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile, status

from mafqood.core.answer_cache import AnswerCache
from mafqood.core.errors import FieldError
from mafqood.core.i18n import request_language, translate
from mafqood.core.pagination import PageDep
from mafqood.core.validation import DateTimeInRange
from mafqood.core.web import (
    SessionDep,
    SessionsDep,
    json_body,
    process_container,
    process_object,
)
from mafqood.items import photos, service
from mafqood.items.photo_access import PhotoAccess
from mafqood.items.ports import PhotoServices
from mafqood.items.presenters import item_detail, item_out
from mafqood.items.schemas import BrowseOut, Category, ItemDetailOut, ItemType
from mafqood.storage.deps import StorageDep
from mafqood.users.deps import CurrentUser

router = APIRouter(prefix="/api/v1", tags=["items"])

PhotoServicesDep = Annotated[PhotoServices, Depends(process_container)]

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such item, or not yours (the two are not told apart)"}
}


def _parse_near(near: str | None) -> tuple[float, float] | None:
    if near is None:
        return None
    try:
        lat_text, lon_text = near.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError as exc:
        raise FieldError("near", "invalid_near", location="query") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FieldError("near", "invalid_near", location="query")
    return lat, lon


BrowseCacheDep = Annotated[AnswerCache, Depends(process_object("browse_cache"))]


@router.get("/items", response_model=BrowseOut)
async def browse(
    request: Request,
    sessions: SessionsDep,
    cache: BrowseCacheDep,
    storage: StorageDep,
    page: PageDep,
    type: ItemType | None = None,
    category: Category | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Words to look for")] = None,
    date_from: DateTimeInRange | None = None,
    date_to: DateTimeInRange | None = None,
    near: Annotated[str | None, Query(description="latitude,longitude")] = None,
    radius_km: Annotated[float, Query(gt=0, le=500)] = 10,
) -> Response:
    """Open reports, newest first: for someone looking for what they lost. No contact details."""
    if date_from and date_to and date_from > date_to:
        raise FieldError("date_from", "date_range", location="query")
    filters = service.BrowseFilters(
        type=type,
        category=category,
        query=q.strip() if q and q.strip() else None,
        date_from=date_from,
        date_to=date_to,
        near=_parse_near(near),
        radius_km=radius_km,
    )
    # Only a request that carries no credentials is served from (or stored in) the cache,
    # so a signed-in view never comes from it, whatever browse later shows to its user.
    anonymous = "authorization" not in request.headers and "cookie" not in request.headers

    async def build() -> bytes:
        async with sessions() as db:
            items, total = await service.browse(db, filters, page.number, page.size)
        answer = BrowseOut.model_construct(
            items=[item_out(item, storage) for item in items], pagination=page.answer(total)
        )
        return answer.model_dump_json().encode()

    if anonymous:
        return json_body(await cache.get_or_build((filters, page.number, page.size), build))
    return json_body(await build())


@router.delete("/items/{item_id}", responses=NOT_FOUND)
async def delete_item(
    item_id: uuid.UUID,
    request: Request,
    user: CurrentUser,
    db: SessionDep,
    storage: StorageDep,
) -> dict[str, str]:
    """Delete your report, its photos and its matches."""
    await service.delete_own_item(db, user, item_id, storage)
    return {"message": translate("item_deleted", request_language(request))}


@router.post(
    "/items/{item_id}/photos",
    status_code=status.HTTP_201_CREATED,
    response_model=ItemDetailOut,
    responses={
        **NOT_FOUND,
        409: {"description": "The report has 5 photos already"},
        413: {"description": "The photo is larger than 10 MB"},
        415: {"description": "Not a JPEG, PNG, WebP or HEIC photo"},
    },
)
async def add_photo(
    item_id: uuid.UUID,
    image: Annotated[UploadFile, File(description="Another view: the back, a detail")],
    user: CurrentUser,
    db: SessionDep,
    container: PhotoServicesDep,
) -> ItemDetailOut:
    """Add a photo to your report (at most 5). The report is analysed again with all its
    photos; new matches come as notifications (`analysis_status` is pending meanwhile)."""
    item = await photos.add_photo(db, user, photos.AddPhoto(item_id, image), container)
    return item_detail(
        item, container.storage, PhotoAccess.holder(item), show_contact=True, owner=user
    )


@router.delete(
    "/items/{item_id}/photos/{photo_id}",
    response_model=ItemDetailOut,
    responses={**NOT_FOUND, 409: {"description": "A report keeps at least one photo"}},
)
async def remove_photo(
    item_id: uuid.UUID,
    photo_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    container: PhotoServicesDep,
) -> ItemDetailOut:
    """Remove one of your report's photos (the next becomes the main one when the main one
    goes); the report is analysed again."""
    item = await photos.remove_photo(db, user, photos.RemovePhoto(item_id, photo_id), container)
    return item_detail(
        item, container.storage, PhotoAccess.holder(item), show_contact=True, owner=user
    )
