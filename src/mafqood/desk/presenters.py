"""A desk's items and reports as its staff receive them."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import Response

from mafqood.desk import reports
from mafqood.desk.schemas import ReportOut, VenueItemOut
from mafqood.items.models import Item
from mafqood.items.photo_access import PhotoAccess
from mafqood.items.presenters import item_detail
from mafqood.storage import Storage


def label_path(item: Item) -> str:
    return f"/api/v1/venues/{item.venue_id}/items/{item.id}/label"


def venue_item(item: Item, storage: Storage, pending_claims: int = 0) -> VenueItemOut:
    detail = item_detail(item, storage, PhotoAccess.holder(item), show_contact=True)
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


def csv_download(report: ReportOut, headers: Mapping[str, str] | None = None) -> Response:
    """The report as a CSV file to save (with any headers the caller adds)."""
    disposition = f'attachment; filename="{reports.csv_filename(report)}"'
    return Response(
        reports.to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={**(headers or {}), "Content-Disposition": disposition},
    )
