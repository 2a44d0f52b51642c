"""Venue workspace: venues, members, invitations, and the desk's items (intake, inventory,
labels). Claims, handovers, retention and reports have routers of their own."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from mafqood.auth.deps import CurrentUser
from mafqood.composition.deps import ContainerDep
from mafqood.core.errors import FieldError
from mafqood.core.i18n import request_language
from mafqood.core.pagination import PageDep
from mafqood.core.request_context import ClientDep
from mafqood.core.validation import DateTimeInRange
from mafqood.core.web import SessionDep
from mafqood.items.schemas import Category, ItemStatus
from mafqood.venues import access, intake, inventory, labels, service
from mafqood.venues.commands import (
    AcceptInvitation,
    CreateVenue,
    Invite,
    RemoveMember,
    RevokeInvitation,
    UpdateVenue,
    VenueRef,
)
from mafqood.venues.presenters import venue_item
from mafqood.venues.schemas import (
    IntakeOut,
    InventoryOut,
    InvitationAcceptIn,
    InvitationIn,
    InvitationListOut,
    InvitationOut,
    MemberListOut,
    VenueIn,
    VenueItemOut,
    VenueItemUpdate,
    VenueListOut,
    VenueOut,
    VenueUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["venues"])

NOT_MEMBER: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    404: {"description": "No such venue or item, or you are not a member (not told apart)"},
}
OWNERS_ONLY: dict[int | str, dict[str, Any]] = {
    **NOT_MEMBER,
    403: {"description": "Staff members may not do this; the venue's owners may"},
}


@router.post(
    "/venues",
    status_code=status.HTTP_201_CREATED,
    response_model=VenueOut,
    responses={401: {"description": "Not signed in"}, 422: {"description": "Invalid field"}},
)
async def create_venue(
    data: VenueIn, user: CurrentUser, db: SessionDep, client: ClientDep
) -> VenueOut:
    """Create a venue (a lost-property desk); you become its first owner. Its found items
    belong to the venue, and the contact shown after a match is the desk's."""
    venue = await service.create_venue(db, user, CreateVenue(data, client))
    return service.venue_out(venue, "owner")


@router.get("/venues", response_model=VenueListOut)
async def list_my_venues(user: CurrentUser, db: SessionDep) -> VenueListOut:
    """The venues you are a member of, with your role in each."""
    rows = await service.my_venues(db, user)
    return VenueListOut(venues=[service.venue_out(venue, role) for venue, role in rows])


@router.get("/venues/{venue_id}", response_model=VenueOut, responses=NOT_MEMBER)
async def get_venue(venue_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> VenueOut:
    membership = await service.get_venue(db, user, VenueRef(venue_id))
    return service.venue_out(membership.venue, membership.role)


@router.patch("/venues/{venue_id}", response_model=VenueOut, responses=OWNERS_ONLY)
async def update_venue(
    venue_id: uuid.UUID, data: VenueUpdate, user: CurrentUser, db: SessionDep
) -> VenueOut:
    """Owners change the venue's details, languages and holding periods (retention_days,
    per category)."""
    venue = await service.update_venue(db, user, UpdateVenue(venue_id, data))
    return service.venue_out(venue, "owner")


@router.get("/venues/{venue_id}/members", response_model=MemberListOut, responses=NOT_MEMBER)
async def list_members(venue_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> MemberListOut:
    roster = await service.members(db, user, VenueRef(venue_id))
    return MemberListOut(members=roster.members)


@router.delete(
    "/venues/{venue_id}/members/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**OWNERS_ONLY, 409: {"description": "The venue's last owner"}},
)
async def remove_member(
    venue_id: uuid.UUID,
    user_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    client: ClientDep,
) -> Response:
    """Owners remove a member (access ends at once); a staff member may remove themselves."""
    await service.remove_member(db, user, RemoveMember(venue_id, user_id, client))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/venues/{venue_id}/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationOut,
    responses={**OWNERS_ONLY, 409: {"description": "Already a member"}},
)
async def invite_member(
    venue_id: uuid.UUID,
    data: InvitationIn,
    user: CurrentUser,
    db: SessionDep,
    client: ClientDep,
) -> InvitationOut:
    """Mail an invitation (link and code, valid VENUE_INVITATION_TTL_DAYS days) to join as
    owner or staff. The invitee accepts signed in with that address."""
    command = Invite(venue_id, str(data.email), data.role, client)
    invitation = await service.invite(db, user, command)
    return InvitationOut.model_validate(invitation)


@router.get(
    "/venues/{venue_id}/invitations", response_model=InvitationListOut, responses=OWNERS_ONLY
)
async def list_invitations(
    venue_id: uuid.UUID, user: CurrentUser, db: SessionDep
) -> InvitationListOut:
    rows = await service.invitations(db, user, VenueRef(venue_id))
    return InvitationListOut(invitations=[InvitationOut.model_validate(row) for row in rows])


@router.delete(
    "/venues/{venue_id}/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=OWNERS_ONLY,
)
async def revoke_invitation(
    venue_id: uuid.UUID, invitation_id: uuid.UUID, user: CurrentUser, db: SessionDep
) -> Response:
    await service.revoke_invitation(db, user, RevokeInvitation(venue_id, invitation_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/venue-invitations/accept",
    response_model=VenueOut,
    responses={
        400: {"description": "Unknown, used or expired invitation"},
        401: {"description": "Not signed in"},
        403: {"description": "The invitation was sent to another address"},
    },
)
async def accept_invitation(
    data: InvitationAcceptIn, user: CurrentUser, db: SessionDep, client: ClientDep
) -> VenueOut:
    venue, role = await service.accept_invitation(db, user, AcceptInvitation(data.token, client))
    return service.venue_out(venue, role)


@router.post(
    "/venues/{venue_id}/items",
    status_code=status.HTTP_201_CREATED,
    response_model=IntakeOut,
    responses={
        **NOT_MEMBER,
        413: {"description": "The whole request is over INTAKE_MAX_BYTES (50 MB)"},
        422: {"description": "`items` missing, not a JSON list, or over INTAKE_MAX_ITEMS"},
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
    container: ContainerDep,
) -> IntakeOut:
    """Several found items in one request (at most INTAKE_MAX_ITEMS, 10). Each gets a tag
    code and is analysed and matched like any found report; each result is created, or
    carries the error that entry alone would have had (one bad photo never loses the
    others). The contact shown after a confirmed match is the venue's desk."""
    venue = await access.member_venue(db, venue_id, user)
    settings = container.settings
    form = await request.form(
        max_files=settings.intake_max_items, max_fields=settings.intake_max_items + 5
    )
    try:
        entries = intake.parse_entries(form, settings)
        return await intake.intake(db, container, venue, entries, form, request_language(request))
    finally:
        await form.close()


@router.get("/venues/{venue_id}/items", response_model=InventoryOut, responses=NOT_MEMBER)
async def list_items(
    venue_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
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
    venue = await access.member_venue(db, venue_id, user)
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
    items, total = await inventory.search(db, venue, filters, page.number, page.size)
    claims = await inventory.pending_claims(db, items)
    return InventoryOut(
        items=[venue_item(item, container.storage, claims.get(item.id, 0)) for item in items],
        pagination=page.answer(total),
    )


@router.get("/venues/{venue_id}/items/{item_id}", response_model=VenueItemOut, responses=NOT_MEMBER)
async def get_item(
    venue_id: uuid.UUID,
    item_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
) -> VenueItemOut:
    venue = await access.member_venue(db, venue_id, user)
    item = await inventory.venue_item(db, venue, item_id)
    claims = await inventory.pending_claims(db, [item])
    return venue_item(item, container.storage, claims.get(item.id, 0))


@router.patch(
    "/venues/{venue_id}/items/{item_id}", response_model=VenueItemOut, responses=NOT_MEMBER
)
async def update_item(
    venue_id: uuid.UUID,
    item_id: uuid.UUID,
    data: VenueItemUpdate,
    user: CurrentUser,
    db: SessionDep,
    container: ContainerDep,
) -> VenueItemOut:
    """Move an item (storage_location) or change its hidden control details."""
    venue = await access.member_venue(db, venue_id, user)
    item = await inventory.venue_item(db, venue, item_id)
    item = await inventory.update(db, item, data)
    return venue_item(item, container.storage)


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
    venue = await access.member_venue(db, venue_id, user)
    item = await inventory.venue_item(db, venue, item_id)
    content = labels.render(item, format)
    media_type = "application/pdf" if format == "pdf" else "image/png"
    filename = f"label-{item.tag_code}.{format}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
