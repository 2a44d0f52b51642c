"""Venue workspace: venues, members and invitations. The desk (intake, inventory, labels,
reports), claims, handovers and retention have routers of their own."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from mafqood.core.request_context import ClientDep
from mafqood.core.web import SessionDep
from mafqood.users.deps import CurrentUser
from mafqood.venues import service
from mafqood.venues.commands import (
    AcceptInvitation,
    CreateVenue,
    Invite,
    RemoveMember,
    RevokeInvitation,
    UpdateVenue,
    VenueRef,
)
from mafqood.venues.deps import MembershipServicesDep
from mafqood.venues.schemas import (
    InvitationAcceptIn,
    InvitationIn,
    InvitationListOut,
    InvitationOut,
    MemberListOut,
    VenueIn,
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
    services: MembershipServicesDep,
) -> Response:
    """Owners remove a member (access ends at once); a staff member may remove themselves."""
    await service.remove_member(db, user, RemoveMember(venue_id, user_id, client), services)
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
