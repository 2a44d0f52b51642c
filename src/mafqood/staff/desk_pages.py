"""The desk's everyday pages: inventory, intake of several items, an item with its matches
and claims (each with its conversation), its label, moving it to another shelf."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BeforeValidator, Field, StringConstraints

from mafqood.core.pagination import MAX_PAGE, Page
from mafqood.core.validation import DateTimeInRange, InputModel, blank_to_none
from mafqood.core.web import SessionDep
from mafqood.desk import intake, inventory, labels
from mafqood.desk.deps import IntakeServicesDep
from mafqood.desk.presenters import venue_item
from mafqood.desk.schemas import VenueItemUpdate
from mafqood.items.schemas import Category, ItemStatus
from mafqood.items.vocabulary import CATEGORIES
from mafqood.lifecycle.access import photo_access
from mafqood.matching import service as matching
from mafqood.messaging import desk
from mafqood.staff import item_desk
from mafqood.staff.render import page, redirect
from mafqood.staff.routing import PAGE_SIZE, MemberVenue, PostedForm, staff_router, text
from mafqood.staff.session import StaffUser, language_of
from mafqood.storage.deps import StorageDep

router = staff_router()
INTAKE_ROWS = 5
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]
ITEM_FIELDS = ("title", "category", "description", "brand", "color", "storage_location")


class InventoryQuery(InputModel):
    """The inventory's search form: a browser sends every field, empty ones as ""."""

    q: Annotated[OptionalText | None, BeforeValidator(blank_to_none)] = None
    status: Annotated[ItemStatus | None, BeforeValidator(blank_to_none)] = None
    category: Annotated[Category | None, BeforeValidator(blank_to_none)] = None
    storage_location: Annotated[OptionalText | None, BeforeValidator(blank_to_none)] = None
    has_matches: Annotated[bool | None, BeforeValidator(blank_to_none)] = None
    date_from: Annotated[DateTimeInRange | None, BeforeValidator(blank_to_none)] = None
    date_to: Annotated[DateTimeInRange | None, BeforeValidator(blank_to_none)] = None
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1


@router.get("/venues/{venue_id}")
async def inventory_page(
    request: Request,
    venue_id: uuid.UUID,
    user: StaffUser,
    db: SessionDep,
    storage: StorageDep,
) -> Response:
    asked = InventoryQuery.model_validate(dict(request.query_params))
    filters = inventory.InventoryFilters(
        query=asked.q,
        status=asked.status,
        category=asked.category,
        storage_location=asked.storage_location,
        has_matches=asked.has_matches,
        date_from=asked.date_from,
        date_to=asked.date_to,
    )
    command = inventory.BrowseInventory(venue_id, filters, Page(asked.page, PAGE_SIZE))
    found = await inventory.browse(db, user, command)
    query = {k: v for k, v in request.query_params.items() if k != "page" and v}
    return page(
        request,
        "inventory.html",
        user=user,
        venue=found.venue,
        active="inventory",
        items=[venue_item(item, storage, claims) for item, claims in found.items],
        total=found.pagination.total,
        pager=found.pagination,
        query=query,
        filters=filters,
        categories=CATEGORIES,
        statuses=("open", "matched", "claimed", "closed"),
    )


@router.get("/venues/{venue_id}/intake")
async def intake_page(request: Request, venue: MemberVenue, user: StaffUser) -> Response:
    return page(
        request,
        "intake.html",
        user=user,
        venue=venue,
        active="intake",
        rows=range(INTAKE_ROWS),
        categories=CATEGORIES,
        results=None,
    )


@router.post("/venues/{venue_id}/intake")
async def receive_items(
    request: Request,
    venue_id: uuid.UUID,
    user: StaffUser,
    form: PostedForm,
    db: SessionDep,
    services: IntakeServicesDep,
) -> Response:
    """The rows that have a photo become entries of one intake, like the API's."""
    entries: list[intake.IntakeLine] = []
    for row in range(INTAKE_ROWS):
        photo = form.get(f"photo_{row}")
        if photo is None or isinstance(photo, str) or not photo.filename:
            continue
        entry: dict[str, Any] = {"photo": f"photo_{row}"}
        for name in (*ITEM_FIELDS, "control_details"):
            value = text(form, f"{name}_{row}")
            if value:
                entry[name] = value
        entries.append(intake.line(entry, form))
    if not entries:
        return redirect(request, f"/staff/venues/{venue_id}/intake", error="field.photo_required")
    command = intake.Intake(venue_id, tuple(entries), language_of(request))
    received = await intake.receive(db, user, command, services)
    return page(
        request,
        "intake.html",
        user=user,
        venue=received.venue,
        active="intake",
        rows=range(INTAKE_ROWS),
        categories=CATEGORIES,
        results=received.outcome.results,
    )


@router.get("/venues/{venue_id}/items/{item_id}")
async def item_page(
    request: Request,
    venue_id: uuid.UUID,
    item_id: uuid.UUID,
    user: StaffUser,
    db: SessionDep,
    storage: StorageDep,
) -> Response:
    held = await inventory.held_item(db, user, inventory.ItemRef(venue_id, item_id))
    venue, item = held.membership.venue, held.item
    access = await photo_access(db, user)
    matches = (await matching.matches_for_items(db, storage, [item], access)).get(item.id, [])
    detail = await item_desk.item_details(db, venue, item, user, storage.base_url)
    conversations = await desk.match_threads(
        db, user, [match.id for match in matches], storage.base_url
    )
    document = await inventory.document_reading(db, user, inventory.ItemRef(venue_id, item_id))
    return page(
        request,
        "item.html",
        user=user,
        venue=venue,
        active="inventory",
        item=venue_item(item, storage, held.pending_claims),
        matches=matches,
        match_threads=conversations,
        role=held.membership.role,
        document=document,
        **detail,
    )


@router.post("/venues/{venue_id}/items/{item_id}/read-document")
async def read_as_document(
    request: Request,
    venue_id: uuid.UUID,
    item_id: uuid.UUID,
    user: StaffUser,
    form: PostedForm,
    db: SessionDep,
) -> Response:
    """Set the category to "documents" and have the photo read again."""
    await inventory.read_as_document(db, user, inventory.ItemRef(venue_id, item_id))
    return redirect(request, f"/staff/venues/{venue_id}/items/{item_id}", done="1")


@router.post("/venues/{venue_id}/items/{item_id}/storage")
async def move_item(
    request: Request,
    venue_id: uuid.UUID,
    item_id: uuid.UUID,
    user: StaffUser,
    form: PostedForm,
    db: SessionDep,
) -> Response:
    update = VenueItemUpdate.model_validate(
        {
            "storage_location": text(form, "storage_location"),
            "control_details": text(form, "control_details"),
        }
    )
    await inventory.edit_item(db, user, inventory.EditItem(venue_id, item_id, update))
    return redirect(request, f"/staff/venues/{venue_id}/items/{item_id}", done="1")


@router.get("/venues/{venue_id}/items/{item_id}/label.{kind}")
async def item_label(
    venue_id: uuid.UUID,
    item_id: uuid.UUID,
    kind: labels.LabelFormat,
    user: StaffUser,
    db: SessionDep,
) -> Response:
    label = await labels.print_label(db, user, labels.PrintLabel(venue_id, item_id, kind))
    return Response(label.content, media_type=label.media_type)
