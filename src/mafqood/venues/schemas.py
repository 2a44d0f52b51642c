"""Request and response bodies of the venue workspace: venues, members, invitations, the
desk's items."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, StringConstraints

from mafqood.core.i18n import SUPPORTED_LANGUAGES, Language
from mafqood.core.pagination import Pagination
from mafqood.core.validation import DateTimeInRange, InputModel, Name, OptionalPhone, blank_to_none
from mafqood.items.schemas import (
    Brand,
    Category,
    Color,
    Description,
    Detail,
    ItemDetailOut,
)

Role = Literal["owner", "staff"]
LocationType = Literal["mall", "metro", "airport", "park", "restaurant", "hotel", "other"]
BOTH_LANGUAGES: list[Language] = list(SUPPORTED_LANGUAGES)
StorageLocation = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)] | None,
    BeforeValidator(blank_to_none),
]
ControlDetails = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None,
    BeforeValidator(blank_to_none),
]
RetentionDays = dict[Category, Annotated[int, Field(ge=1, le=3650)]]


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
    my_role: Role
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


class IntakeEntry(InputModel):
    """One found item of a batch; `photo` names the multipart part that holds its photo."""

    photo: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    title: Name
    description: Description = None
    category: Annotated[Category | None, BeforeValidator(blank_to_none)] = None
    brand: Brand = None
    color: Color = None
    location_detail: Detail = None
    date_time: DateTimeInRange | None = Field(
        default=None, description="When it was found; default: now"
    )
    storage_location: StorageLocation = None
    control_details: ControlDetails = None


class VenueItemOut(ItemDetailOut):
    """A desk's item as its staff see it: with tag code, storage place and hidden details."""

    venue_id: uuid.UUID
    tag_code: str
    storage_location: str | None
    control_details: str | None
    label_url: str
    pending_claims: int = 0


class IntakeError(BaseModel):
    status: int
    code: str
    message: str
    detail: object


class IntakeResult(BaseModel):
    index: int
    photo: str | None
    created: bool
    item: VenueItemOut | None = None
    error: IntakeError | None = None


class IntakeOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "created": 1,
                    "failed": 1,
                    "results": [
                        {
                            "index": 0,
                            "photo": "p0",
                            "created": True,
                            "item": {"id": "…", "tag_code": "K7Q-4M2"},
                            "error": None,
                        },
                        {
                            "index": 1,
                            "photo": "p1",
                            "created": False,
                            "item": None,
                            "error": {
                                "status": 422,
                                "code": "validation_error",
                                "message": "…",
                                "detail": [],
                            },
                        },
                    ],
                }
            ]
        }
    )

    created: int
    failed: int
    results: list[IntakeResult]


class VenueItemUpdate(InputModel):
    storage_location: StorageLocation = None
    control_details: ControlDetails = None


class InventoryOut(BaseModel):
    items: list[VenueItemOut]
    pagination: Pagination
