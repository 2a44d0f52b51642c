from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, File, Form, Query, Request, UploadFile, status

from mafqood.core.deps import ContainerDep, CurrentUser, OptionalUser, SessionDep
from mafqood.core.errors import Conflict, FieldError
from mafqood.core.i18n import request_language, translate
from mafqood.items import service
from mafqood.items.presenters import item_detail, item_out
from mafqood.items.schemas import (
    BrowseOut,
    Category,
    HistoryOut,
    ItemCreate,
    ItemDetailOut,
    ItemStatus,
    ItemSubmitOut,
    ItemType,
    ItemWithMatches,
    Pagination,
    StatusOut,
    StatusUpdateIn,
)
from mafqood.matching import engine, notices
from mafqood.matching import service as matching
from mafqood.matching.models_loader import search_window
from mafqood.observability.metrics import observe_inference
from mafqood.photos.processing import ProcessedPhoto
from mafqood.photos.service import process_upload, store_photo
from mafqood.vision import ImageAnalysis, VisionPipeline

router = APIRouter(prefix="/api/v1", tags=["items"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such item, or not yours (the two are not told apart)"}
}
SUBMIT_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    409: {"description": "You already reported an item with this photo"},
    413: {"description": "The photo is larger than 10 MB"},
    415: {"description": "Not a JPEG, PNG, WebP or HEIC photo"},
    422: {"description": "A field is missing or invalid; `detail` lists each field"},
    503: {"description": "Photo storage is unavailable"},
}


class Understood(NamedTuple):
    analysis: ImageAnalysis
    fields: service.Understanding


ImageFile = Annotated[UploadFile, File(description="JPEG, PNG, WebP or HEIC photo, up to 10 MB")]


def _understand(vision: VisionPipeline, photo: ProcessedPhoto, form: ItemCreate) -> Understood:
    """Model work for one report (CPU-bound: runs in a worker thread)."""
    with observe_inference(vision.image_model):
        analysis = vision.analyse(photo.image)
    with observe_inference(vision.text_model):
        text_vector = vision.embed_text(form.title, form.description, form.brand, form.color)
    conflict = form.category is not None and analysis.contradicts(form.category)
    return Understood(
        analysis,
        service.Understanding(
            image_vector=analysis.image_vector,
            image_model=analysis.image_model,
            text_vector=text_vector,
            text_model=vision.text_model,
            detected_objects=analysis.detected_objects,
            ai_category=analysis.suggested_category,
            category_conflict=conflict,
            local_features=analysis.local_features,
        ),
    )


async def _submit(
    kind: str,
    form: ItemCreate,
    image: UploadFile,
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
) -> ItemSubmitOut:
    settings = container.settings
    service.check_contact(form)
    photo = await process_upload(image, settings.max_upload_bytes, settings.max_image_pixels)
    duplicate = await service.find_duplicate(db, user.id, photo.perceptual_hash)
    if duplicate is not None:
        raise Conflict("duplicate_photo", extra={"item_id": str(duplicate.id)})
    vision = container.vision
    understood = await asyncio.to_thread(_understand, vision, photo, form)
    # The app in users' hands sends no category: take the photo's when it is clear.
    category = form.category or understood.analysis.suggested_category or "other"
    item_id = uuid.uuid4()
    stored = await store_photo(db, container.storage, photo, f"items/{item_id}")
    item = await service.create_item(
        db, container.storage, user, item_id, kind, form, stored, category, understood.fields
    )
    found = await engine.find_matches(
        db,
        vision,
        item,
        understood.analysis,
        understood.fields.text_vector,
        search_window(settings),
    )
    for new in found:
        lost_item, found_item = (item, new.other) if kind == "lost" else (new.other, item)
        await notices.new_match(db, new.match, lost_item, found_item)
    await db.refresh(item)
    matches = [matching.present(new.match, item, new.other, container.storage) for new in found]
    detail = item_detail(item, container.storage, show_contact=True, owner=user)
    return ItemSubmitOut(item=detail, matches=matches, match_count=len(matches))


@router.post(
    "/lost",
    status_code=status.HTTP_201_CREATED,
    response_model=ItemSubmitOut,
    responses=SUBMIT_ERRORS,
)
async def report_lost(
    form: Annotated[ItemCreate, Form()],
    image: ImageFile,
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
) -> ItemSubmitOut:
    """Report something you lost. Answers with the found reports it already matches."""
    return await _submit("lost", form, image, user, db, container)


@router.post(
    "/found",
    status_code=status.HTTP_201_CREATED,
    response_model=ItemSubmitOut,
    responses=SUBMIT_ERRORS,
)
async def report_found(
    form: Annotated[ItemCreate, Form()],
    image: ImageFile,
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
) -> ItemSubmitOut:
    """Report something you found. Answers with the lost reports it already matches."""
    return await _submit("found", form, image, user, db, container)


@router.get(
    "/history", response_model=HistoryOut, responses={401: {"description": "Not signed in"}}
)
async def history(
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
    status: ItemStatus | None = None,
) -> HistoryOut:
    """Your reports, newest first, each with its matches. One page spans both lists."""
    items, total = await service.history(db, user, status, page, page_size)
    matches = await matching.matches_for_items(db, container.storage, items)
    lost: list[ItemWithMatches] = []
    found: list[ItemWithMatches] = []
    for item in items:
        entry = ItemWithMatches(
            item=item_detail(item, container.storage, show_contact=True),
            matches=matches.get(item.id, []),
        )
        (lost if item.type == "lost" else found).append(entry)
    return HistoryOut(
        lost_items=lost,
        found_items=found,
        pagination=Pagination(
            page=page, page_size=page_size, total=total, has_more=page * page_size < total
        ),
    )


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


@router.get("/items", response_model=BrowseOut)
async def browse(
    db: SessionDep,
    container: ContainerDep,
    type: ItemType | None = None,
    category: Category | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Words to look for")] = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    near: Annotated[str | None, Query(description="latitude,longitude")] = None,
    radius_km: Annotated[float, Query(gt=0, le=500)] = 10,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> BrowseOut:
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
    items, total = await service.browse(db, filters, page, page_size)
    return BrowseOut(
        items=[item_out(item, container.storage) for item in items],
        pagination=Pagination(
            page=page, page_size=page_size, total=total, has_more=page * page_size < total
        ),
    )


@router.get("/items/{item_id}", response_model=ItemDetailOut, responses=NOT_FOUND)
async def get_item(
    item_id: uuid.UUID, viewer: OptionalUser, db: SessionDep, container: ContainerDep
) -> ItemDetailOut:
    """One report with its owner. Contact details only for the owner and a confirmed match."""
    item = await service.get_visible_item(db, item_id, viewer)
    await service.count_view(db, item, viewer)
    return item_detail(
        item,
        container.storage,
        show_contact=await service.contact_visible(db, item, viewer),
        owner=await service.owner_of(db, item),
    )


@router.delete("/items/{item_id}", responses=NOT_FOUND)
async def delete_item(
    item_id: uuid.UUID,
    request: Request,
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
) -> dict[str, str]:
    """Delete your report, its photos and its matches."""
    item = await service.get_owned_item(db, item_id, user)
    await service.delete_item(db, container.storage, item)
    return {"message": translate("item_deleted", request_language(request))}


@router.put(
    "/items/{item_id}/status",
    response_model=StatusOut,
    responses={**NOT_FOUND, 409: {"description": "That change is not allowed from this status"}},
)
async def update_status(
    item_id: uuid.UUID, body: StatusUpdateIn, user: CurrentUser, db: SessionDep
) -> StatusOut:
    item = await service.get_owned_item(db, item_id, user)
    previous = item.status
    item = await service.change_status(db, item, body.status)
    if item.status != previous:
        await notices.item_status_changed(db, item)
    return StatusOut(id=item.id, status=body.status, updated_at=item.updated_at)
