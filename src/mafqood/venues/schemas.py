"""Request and response bodies of the venue workspace: venues, members, invitations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, StringConstraints

from mafqood.core.i18n import SUPPORTED_LANGUAGES, Language
from mafqood.core.validation import InputModel, Name, OptionalPhone, blank_to_none
from mafqood.items.schemas import Category, Detail

Role = Literal["owner", "staff"]
Verification = Literal["pending", "verified"]
LocationType = Literal["mall", "metro", "airport", "park", "restaurant", "hotel", "other"]
BOTH_LANGUAGES: list[Language] = list(SUPPORTED_LANGUAGES)
RetentionDays = dict[Category, Annotated[int, Field(ge=1, le=3650)]]
PublicField = Literal["category", "color", "date", "area", "title", "brand"]


class VenueIn(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Dubai Mall",
                    "location": "Dubai Mall, Financial Centre Road",
                    "location_type": "mall",
                    "latitude": 25.1972,
                    "longitude": 55.2796,
                    "desk_phone": "+97143627500",
                    "desk_email": "lostandfound@dubaimall.example",
                    "opening_hours": "Daily 10:00-24:00, Lower Ground, near Guest Services",
                    "languages": ["en", "ar"],
                }
            ]
        }
    )

    name: Name
    location: Name
    location_type: LocationType
    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]
    desk_phone: OptionalPhone = None
    desk_email: Annotated[EmailStr | None, BeforeValidator(blank_to_none)] = None
    opening_hours: Detail = None
    languages: Annotated[list[Language], Field(max_length=2)] = Field(
        default_factory=BOTH_LANGUAGES.copy
    )
    retention_days: RetentionDays = Field(default_factory=dict)


class VenueUpdate(InputModel):
    """Only the fields sent change."""

    name: Name | None = None
    location: Name | None = None
    location_type: LocationType | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    desk_phone: OptionalPhone = None
    desk_email: Annotated[EmailStr | None, BeforeValidator(blank_to_none)] = None
    opening_hours: Detail = None
    languages: Annotated[list[Language], Field(max_length=2)] | None = None
    retention_days: RetentionDays | None = None
    public_fields: Annotated[list[PublicField], Field(max_length=6)] | None = Field(
        default=None,
        description="What the venue's public page (/v/{id}) shows of each found item; never "
        "the finder, tag code, storage location or hidden details",
    )
    public_photos: bool | None = Field(
        default=None,
        description="Whether the public page shows photos (never of documents, cards, "
        "wallets or items with hidden details)",
    )


class VenueOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    location: str
    location_type: str
    latitude: float
    longitude: float
    desk_phone: str | None
    desk_email: str | None
    opening_hours: str | None
    languages: list[str]
    retention_days: dict[str, int] = Field(
        description="Days an item is held, per category (defaults filled in)"
    )
    public_fields: list[str] = Field(
        default_factory=lambda: ["category", "color", "date", "area"],
        description="What the venue's public page shows of each found item",
    )
    public_photos: bool = False
    my_role: Role
    verification: Verification = Field(
        description="pending until a platform administrator has verified the venue: until "
        "then its items are neither shown to the public, matched nor claimable",
    )
    verified_at: datetime | None
    created_at: datetime


class VenueListOut(BaseModel):
    venues: list[VenueOut]


class MemberOut(BaseModel):
    user_id: uuid.UUID
    full_name: str
    email: str
    role: Role
    created_at: datetime


class MemberListOut(BaseModel):
    members: list[MemberOut]


class InvitationIn(InputModel):
    email: EmailStr
    role: Role = "staff"


class InvitationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    venue_id: uuid.UUID
    email: str
    role: Role
    expires_at: datetime
    accepted_at: datetime | None
    created_at: datetime


class InvitationListOut(BaseModel):
    invitations: list[InvitationOut]


class InvitationAcceptIn(InputModel):
    token: Annotated[str, StringConstraints(min_length=10, max_length=200)]


class VerificationIn(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"note": "Called the mall's guest services on +97143627500"}]
        }
    )

    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]


class VenueOwnerOut(BaseModel):
    user_id: uuid.UUID
    full_name: str
    email: str


class PendingVenueOut(BaseModel):
    """A venue waiting for verification, with what an administrator checks it against."""

    id: uuid.UUID
    name: str
    location: str
    location_type: str
    latitude: float
    longitude: float
    desk_phone: str | None
    desk_email: str | None
    owners: list[VenueOwnerOut]
    item_count: int = Field(description="Found items taken in while pending")
    created_at: datetime


class PendingVenueListOut(BaseModel):
    venues: list[PendingVenueOut]


class VerificationOut(BaseModel):
    venue_id: uuid.UUID
    verification: Verification
    verified_by: uuid.UUID | None
    verified_at: datetime | None
    verification_note: str | None
    items_requeued: int = Field(
        description="The venue's open found items whose analysis and matching were queued again"
    )


# A venue the user is a member of, in their data export (privacy).
class ExportMembership(BaseModel):
    venue_id: uuid.UUID
    venue_name: str
    role: str
    created_at: datetime
