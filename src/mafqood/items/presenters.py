"""Items as the API shows them: URLs from the storage backend (of a document's photo, the
file the viewer may see: items/photo_access.py), contact details only when the viewer may
see them.

The answer models are built with model_construct: every value comes from a row whose columns
already have the answer's types, so validating them again only cost CPU (a third of a browse
request's)."""

from __future__ import annotations

from typing import Any

from mafqood.items.photo_access import PUBLIC, PhotoAccess, Report, kept_back, shown_key
from mafqood.items.photos import photos_out
from mafqood.items.schemas import ItemDetailOut, ItemOut, OwnerOut
from mafqood.photos.placeholder import WITHHELD_KEY
from mafqood.photos.service import photo_urls_under
from mafqood.storage import Storage
from mafqood.users.models import User


def _fields(item: Report, storage: Storage, access: PhotoAccess) -> dict[str, Any]:
    image_url: str | None = item.image_url
    thumbnail_url: str | None = item.thumbnail_url
    small_url: str | None = None
    views = item.__dict__.get("photos") or []
    main = views[0] if views and views[0].image_key == item.image_key else None
    if item.image_key:
        key = shown_key(item, main, item.image_key, access)
        image_url, thumbnail_url, small_url = photo_urls_under(storage.base_url, key)
    elif image_url and kept_back(item, None) and not access.sees_original(item):
        image_url, thumbnail_url, small_url = photo_urls_under(storage.base_url, WITHHELD_KEY)
    return {
        "id": item.id,
        "user_id": item.user_id,
        "type": item.type,
        "status": item.status,
        "title": item.title,
        "description": item.description,
        "category": item.category,
        "brand": item.brand,
        "color": item.color,
        "image_url": image_url,
        "thumbnail_url": thumbnail_url,
        "small_thumbnail_url": small_url,
        "location": item.location,
        "location_detail": item.location_detail,
        "location_type": item.location_type,
        "latitude": float(item.latitude) if item.latitude is not None else None,
        "longitude": float(item.longitude) if item.longitude is not None else None,
        "date_time": item.date_time,
        "contact_method": item.contact_method,
        "view_count": item.view_count,
        "match_count": item.match_count,
        "ai_processed": item.analysis_status == "done",
        "analysis_status": item.analysis_status,
        "analysis_error": item.analysis_error,
        "ai_category": item.ai_category,
        "detected_objects": item.detected_objects,
        "photos": photos_out(item, storage, access),
        "venue_verified": item.venue_verified,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def item_out(item: Report, storage: Storage, access: PhotoAccess = PUBLIC) -> ItemOut:
    return ItemOut.model_construct(**_fields(item, storage, access))


def item_detail(
    item: Report,
    storage: Storage,
    access: PhotoAccess,
    *,
    show_contact: bool,
    owner: User | None = None,
) -> ItemDetailOut:
    fields = _fields(item, storage, access)
    if show_contact:
        fields["contact_phone"] = item.contact_phone
        fields["contact_email"] = item.contact_email
    if owner is not None:
        fields["owner"] = OwnerOut.model_validate(owner)
    return ItemDetailOut.model_construct(**fields)
