"""What callers ask of the venue workspace: one frozen value per use case, built by the REST
routers, the dashboard pages and the command line alike."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from mafqood.core.request_context import ClientInfo
from mafqood.venues.schemas import Role, VenueIn, VenueUpdate


@dataclass(frozen=True)
class CreateVenue:
    details: VenueIn
    client: ClientInfo


@dataclass(frozen=True)
class VenueRef:
    venue_id: uuid.UUID


@dataclass(frozen=True)
class UpdateVenue:
    venue_id: uuid.UUID
    changes: VenueUpdate


@dataclass(frozen=True)
class RemoveMember:
    venue_id: uuid.UUID
    user_id: uuid.UUID
    client: ClientInfo


@dataclass(frozen=True)
class Invite:
    venue_id: uuid.UUID
    email: str
    role: Role
    client: ClientInfo


@dataclass(frozen=True)
class RevokeInvitation:
    venue_id: uuid.UUID
    invitation_id: uuid.UUID


@dataclass(frozen=True)
class AcceptInvitation:
    token: str
    client: ClientInfo


@dataclass(frozen=True)
class VerifyVenue:
    venue_id: uuid.UUID
    note: str  # what the administrator checked
    client: ClientInfo


@dataclass(frozen=True)
class AppointOwner:
    venue_id: uuid.UUID
    email: str
    client: ClientInfo
