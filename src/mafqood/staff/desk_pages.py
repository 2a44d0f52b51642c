"""The desk's everyday pages: inventory, intake of several items, an item with its matches
and claims, its label, moving it to another shelf."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BeforeValidator, Field, StringConstraints

from mafqood.composition.deps import ContainerDep
from mafqood.core.pagination import MAX_PAGE, Page
from mafqood.core.validation import DateTimeInRange, InputModel, blank_to_none
from mafqood.core.web import SessionDep
from mafqood.items.schemas import Category, ItemStatus
from mafqood.items.vocabulary import CATEGORIES
from mafqood.matching import service as matching
from mafqood.staff import item_desk
from mafqood.staff.render import page, redirect
from mafqood.staff.routing import PAGE_SIZE, MemberVenue, PostedForm, staff_router, text
from mafqood.staff.session import StaffUser, language_of
from mafqood.venues import intake, inventory, labels
from mafqood.venues.access import role_in
from mafqood.venues.presenters import venue_item
from mafqood.venues.schemas import VenueItemUpdate

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
    venue: MemberVenue,
    user: StaffUser,
    db: SessionDep,
    container: ContainerDep,
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
    page_number = asked.page
    items, total = await inventory.search(db, venue, filters, page_number, PAGE_SIZE)
    claims = await inventory.pending_claims(db, items)
    storage = container.storage
    query = {k: v for k, v in request.query_params.items() if k != "page" and v}
    return page(
        request,
        "inventory.html",
        user=user,
        venue=venue,
        active="inventory",
        items=[venue_item(item, storage, claims.get(item.id, 0)) for item in items],
        total=total,
        pager=Page(page_number, PAGE_SIZE).answer(total),
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
    venue: MemberVenue,
    user: StaffUser,
    form: PostedForm,
    db: SessionDep,
    container: ContainerDep,
) -> Response:
    """The rows that have a photo become entries of one intake, like the API's."""
    entries: list[dict[str, Any]] = []
    photos: dict[str, object] = {}
    for row in range(INTAKE_ROWS):
        photo = form.get(f"photo_{row}")
        if photo is None or isinstance(photo, str) or not photo.filename:
            continue
        entry: dict[str, Any] = {"photo": f"photo_{row}"}
        for name in (*ITEM_FIELDS, "control_details"):
            value = text(form, f"{name}_{row}")
            if value:
                entry[name] = value
        entries.append(entry)
        photos[f"photo_{row}"] = photo
    if not entries:
        return redirect(request, f"/staff/venues/{venue.id}/intake", error="field.photo_required")
    outcome = await intake.intake(db, container, venue, entries, photos, language_of(request))
    return page(
        request,
        "intake.html",
        user=user,
        venue=venue,
        active="intake",
        rows=range(INTAKE_ROWS),
        categories=CATEGORIES,
        results=outcome.results,
    )


@router.get("/venues/{venue_id}/items/{item_id}")
async def item_page(
    request: Request,
    venue: MemberVenue,
    item_id: uuid.UUID,
    user: StaffUser,
    db: SessionDep,
    container: ContainerDep,
) -> Response:
    item = await inventory.venue_item(db, venue, item_id)
    matches = (await matching.matches_for_items(db, container.storage, [item])).get(item.id, [])
    detail = await item_desk.item_details(db, venue, item)
    return page(
        request,
        "item.html",
        user=user,
        venue=venue,
        active="inventory",
        item=venue_item(item, container.storage),
        matches=matches,
        role=await role_in(db, venue.id, user.id),
        **detail,
    )


@router.post("/venues/{venue_id}/items/{item_id}/storage")
async def move_item(
    request: Request,
    venue: MemberVenue,
    item_id: uuid.UUID,
    form: PostedForm,
    db: SessionDep,
) -> Response:
    item = await inventory.venue_item(db, venue, item_id)
    update = VenueItemUpdate.model_validate(
        {
            "storage_location": text(form, "storage_location"),
            "control_details": text(form, "control_details"),
        }
    )
    await inventory.update(db, item, update)
    return redirect(request, f"/staff/venues/{venue.id}/items/{item.id}", done="1")


@router.get("/venues/{venue_id}/items/{item_id}/label.{kind}")
async def item_label(
    venue: MemberVenue, item_id: uuid.UUID, kind: labels.LabelFormat, db: SessionDep
) -> Response:
    item = await inventory.venue_item(db, venue, item_id)
    media_type = "application/pdf" if kind == "pdf" else "image/png"
    return Response(labels.render(item, kind), media_type=media_type)
