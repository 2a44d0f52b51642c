"""A desk's items as its staff see them."""

from __future__ import annotations

from mafqood.items.models import Item
from mafqood.items.presenters import item_detail
from mafqood.storage import Storage
from mafqood.venues.schemas import VenueItemOut


def label_path(item: Item) -> str:
    return f"/api/v1/venues/{item.venue_id}/items/{item.id}/label"


def venue_item(item: Item, storage: Storage, pending_claims: int = 0) -> VenueItemOut:
    detail = item_detail(item, storage, show_contact=True)
    assert item.venue_id is not None and item.tag_code is not None
    return VenueItemOut(
        **detail.model_dump(),
        venue_id=item.venue_id,
        tag_code=item.tag_code,
        storage_location=item.storage_location,
        control_details=item.control_details,
        label_url=label_path(item),
        pending_claims=pending_claims,
    )
