"""The venue desk over REST: intake of several items, the inventory, an item and its label
(tagged "venues", like the venue itself), and the venue's reports ("venue reports")."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from mafqood.core.errors import FieldError
from mafqood.core.i18n import request_language
from mafqood.core.pagination import PageDep
from mafqood.core.validation import DateTimeInRange
from mafqood.core.web import SessionDep
from mafqood.desk import intake, inventory, labels, reports
from mafqood.desk.deps import IntakeServicesDep
from mafqood.desk.presenters import csv_download, venue_item
from mafqood.desk.schemas import (
    IntakeOut,
    InventoryOut,
    ReportFormat,
    ReportOut,
    VenueItemOut,
    VenueItemUpdate,
)
from mafqood.items.schemas import Category, ItemStatus
from mafqood.storage.deps import StorageDep
from mafqood.users.deps import CurrentUser
from mafqood.venues.router import NOT_MEMBER

router = APIRouter(prefix="/api/v1", tags=["venues"])
# Served after the disposal routes, where the API's documents have always listed it.
reports_router = APIRouter(prefix="/api/v1", tags=["venue reports"])
From = Annotated[DateTimeInRange | None, Query(alias="from", description="Included")]
To = Annotated[DateTimeInRange | None, Query(description="Not included")]


@router.post(
    "/venues/{venue_id}/items",
    status_code=status.HTTP_201_CREATED,
    response_model=IntakeOut,
    responses={
        **NOT_MEMBER,
        413: {"description": "The whole request is over INTAKE_MAX_BYTES (50 MB)"},
        422: {"description": "`items` missing, not a JSON list, or over INTAKE_MAX_ITEMS"},
        429: {
            "description": "The venue's intake budget (photos per hour and per day) cannot "
            "cover this request's photos (`intake_budget_exceeded`); nothing was taken in"
        },
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["items"],
                        "properties": {
                            "items": {
                                "type": "string",
                                "description": "JSON list of entries (IntakeEntry): title, "
                                "category, description, brand, color, location_detail, "
                                "date_time, storage_location, control_details, and `photo`: "
                                "the name of the file part holding that item's photo",
                                "example": '[{"photo": "p0", "title": "Black wallet", '
                                '"category": "wallet", "storage_location": "Room B / '
                                'shelf 2", "control_details": "Two cards, a photo of a '
                                'child"}]',
                            },
                            "p0": {
                                "type": "string",
                                "format": "binary",
                                "description": "The photo that the entry with "
                                '"photo": "p0" names; one file part per entry, any names',
                            },
                        },
                        "additionalProperties": {"type": "string", "format": "binary"},
                    }
                }
            },
        }
    },
)
async def intake_items(
    venue_id: uuid.UUID,
    request: Request,
    user: CurrentUser,
    db: SessionDep,
    services: IntakeServicesDep,
) -> IntakeOut:
    """Several found items in one request (at most INTAKE_MAX_ITEMS, 10). Each gets a tag
    code and is analysed and matched like any found report; each result is created, or
    carries the error that entry alone would have had (one bad photo never loses the
    others). The contact shown after a confirmed match is the venue's desk."""
    most = services.settings.intake_max_items
    form = await request.form(max_files=most, max_fields=most + 5)
    try:
        entries = intake.lines_from_form(form, most)
        command = intake.Intake(venue_id, entries, request_language(request))
        return (await intake.receive(db, user, command, services)).outcome
    finally:
        await form.close()


@router.get("/venues/{venue_id}/items", response_model=InventoryOut, responses=NOT_MEMBER)
async def list_items(
    venue_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    storage: StorageDep,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=200, description="Words, or a tag code")] = None,
    status: ItemStatus | None = None,
    category: Category | None = None,
    date_from: DateTimeInRange | None = None,
    date_to: DateTimeInRange | None = None,
    storage_location: Annotated[str | None, Query(max_length=255)] = None,
    has_matches: bool | None = None,
) -> InventoryOut:
    """The venue's items, newest first, with search and filters."""
    if date_from and date_to and date_to < date_from:
        raise FieldError("date_to", "date_order", location="query")
    filters = inventory.InventoryFilters(
        query=q,
        status=status,
        category=category,
        date_from=date_from,
        date_to=date_to,
        storage_location=storage_location,
        has_matches=has_matches,
    )
    command = inventory.BrowseInventory(venue_id, filters, page)
    found = await inventory.browse(db, user, command)
    return InventoryOut(
        items=[venue_item(item, storage, claims) for item, claims in found.items],
        pagination=found.pagination,
    )


@router.get("/venues/{venue_id}/items/{item_id}", response_model=VenueItemOut, responses=NOT_MEMBER)
async def get_item(
    venue_id: uuid.UUID,
    item_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    storage: StorageDep,
) -> VenueItemOut:
    held = await inventory.held_item(db, user, inventory.ItemRef(venue_id, item_id))
    return venue_item(held.item, storage, held.pending_claims)


@router.patch(
    "/venues/{venue_id}/items/{item_id}", response_model=VenueItemOut, responses=NOT_MEMBER
)
async def update_item(
    venue_id: uuid.UUID,
    item_id: uuid.UUID,
    data: VenueItemUpdate,
    user: CurrentUser,
    db: SessionDep,
    storage: StorageDep,
) -> VenueItemOut:
    """Move an item (storage_location) or change its hidden control details."""
    item = await inventory.edit_item(db, user, inventory.EditItem(venue_id, item_id, data))
    return venue_item(item, storage)


@router.get(
    "/venues/{venue_id}/items/{item_id}/label",
    responses={
        **NOT_MEMBER,
        200: {
            "content": {"image/png": {}, "application/pdf": {}},
            "description": "The label: tag code, date, category and a QR code of the tag",
        },
    },
    response_class=Response,
)
async def item_label(
    venue_id: uuid.UUID,
    item_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    format: labels.LabelFormat = "png",
) -> Response:
    """A printable label (62 x 30 mm at 300 dpi) as PNG or PDF."""
    label = await labels.print_label(db, user, labels.PrintLabel(venue_id, item_id, format))
    return Response(
        label.content,
        media_type=label.media_type,
        headers={"Content-Disposition": f'inline; filename="{label.filename}"'},
    )


@reports_router.get(
    "/venues/{venue_id}/reports",
    response_model=ReportOut,
    responses={
        **NOT_MEMBER,
        422: {"description": "Invalid field, `to` before `from`, or a period over 366 days"},
        200: {
            "content": {"text/csv": {}},
            "description": "The report; as a CSV download with format=csv or Accept: text/csv",
        },
    },
)
async def venue_report(
    venue_id: uuid.UUID,
    request: Request,
    user: CurrentUser,
    db: SessionDep,
    start: From = None,
    to: To = None,
    format: ReportFormat | None = None,
) -> ReportOut | Response:
    """The venue's numbers over [from, to): `to` defaults to now, `from` to 30 days before
    `to`; at most 366 days."""
    found = await reports.venue_report(db, user, reports.ReportQuery(venue_id, start, to))
    wants_csv = format == "csv" or (
        format is None and "text/csv" in request.headers.get("accept", "")
    )
    return csv_download(found.report) if wants_csv else found.report
