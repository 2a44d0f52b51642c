from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from mafqood.core.pagination import Pagination
from mafqood.core.validation import DateTimeInRange, InputModel, Name, OptionalPhone, blank_to_none
from mafqood.documents.identifiers import normalise_identifier
from mafqood.documents.names import name_tokens
from mafqood.items.vocabulary import LOCATION_TYPES

Category = Literal[
    "phone", "wallet", "bag", "id", "jewelry", "electronics", "keys", "documents", "other"
]
ItemType = Literal["lost", "found"]
ItemStatus = Literal["open", "matched", "closed", "claimed"]
ContactMethod = Literal["phone", "email", "in_app"]
AnalysisStatus = Literal["pending", "done", "failed"]

# Phones' clocks drift; a report a few minutes "ahead" is not from the future.
CLOCK_TOLERANCE = timedelta(minutes=10)


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, max_length=max_length)


# Optional text: an empty form field means "not given".
Description = Annotated[Annotated[str, _text(5000)] | None, BeforeValidator(blank_to_none)]
Detail = Annotated[Annotated[str, _text(1000)] | None, BeforeValidator(blank_to_none)]
Brand = Annotated[Annotated[str, _text(100)] | None, BeforeValidator(blank_to_none)]
Color = Annotated[Annotated[str, _text(50)] | None, BeforeValidator(blank_to_none)]
# What only the owner would know (cards inside, a sticker): shown to the finder side beside
# a claim's answers, never in a public view.
ControlDetails = Annotated[Annotated[str, _text(2000)] | None, BeforeValidator(blank_to_none)]


def _document_number(value: str) -> str:
    compact = normalise_identifier(value)
    leftover = set(value) - set(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -./"
    )
    if leftover or not (len(compact) == 4 or 6 <= len(compact) <= 20):
        raise PydanticCustomError(
            "document_number", "Must be a document's number, or a card's last four digits"
        )
    return value


def _document_name(value: str) -> str:
    if not name_tokens(value):
        raise PydanticCustomError("document_name", "Must be a name written in letters")
    return value


# A lost document's number and the name on it: hashed and tokenised on arrival, never kept
# as written nor shown back (see documents/).
DocumentNumber = Annotated[
    Annotated[str, _text(40), AfterValidator(_document_number)] | None,
    BeforeValidator(blank_to_none),
]
DocumentName = Annotated[
    Annotated[str, _text(120), AfterValidator(_document_name)] | None,
    BeforeValidator(blank_to_none),
]


def _location_type(value: object) -> object:
    """The app in users' hands sends the place name here; anything off the list is "other"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().lower()
    return text if text in LOCATION_TYPES else "other"


def _in_app_when_blank(value: object) -> object:
    return "in_app" if blank_to_none(value) is None else value


class ItemCreate(InputModel):
    """The form fields of POST /api/v1/lost and /found, after parsing."""

    title: Name
    description: Description = None
    category: Annotated[Category | None, BeforeValidator(blank_to_none)] = None
    brand: Brand = None
    color: Color = None
    location: Name
    location_detail: Detail = None
    location_type: Annotated[str | None, BeforeValidator(_location_type)] = None
    latitude: Annotated[
        Annotated[float, Field(ge=-90, le=90)] | None, BeforeValidator(blank_to_none)
    ] = None
    longitude: Annotated[
        Annotated[float, Field(ge=-180, le=180)] | None, BeforeValidator(blank_to_none)
    ] = None
    date_time: DateTimeInRange
    contact_method: Annotated[ContactMethod, BeforeValidator(_in_app_when_blank)] = "in_app"
    contact_phone: OptionalPhone = None
    contact_email: Annotated[EmailStr | None, BeforeValidator(blank_to_none)] = None
    control_details: ControlDetails = Field(
        default=None,
        description="Found reports only (ignored for lost ones): details only the owner would "
        "know. Never shown publicly; a claimant must describe them, and contact details are "
        "shared only once you approve their claim.",
    )
    document_number: DocumentNumber = Field(
        default=None,
        description="Lost reports of a document or card only (ignored for found ones): its "
        "number (ID, passport, licence or card number), or a card's last four digits. Kept "
        "only as a keyed hash (the last four as they are) to recognise the document when it "
        "is handed in; never shown back.",
    )
    document_name: DocumentName = Field(
        default=None,
        description="Lost reports of a document or card only: the name printed on it, in "
        "English or Arabic. Kept only as normalised name tokens; never shown back.",
    )

    @field_validator("date_time")
    @classmethod
    def _not_in_future(cls, value: datetime) -> datetime:
        if value > datetime.now(UTC) + CLOCK_TOLERANCE:
            raise PydanticCustomError("date_in_future", "Must not be in the future")
        return value


class OwnerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    full_name: str
    avatar_url: str | None


class PhotoOut(BaseModel):
    """One photo of a report; position 0 is the main one (also in image_url)."""

    id: uuid.UUID | None = Field(description="For DELETE .../photos/{id}")
    position: int
    url: str
    thumbnail_url: str
    small_thumbnail_url: str


class ItemOut(BaseModel):
    """An item as anyone may see it: never with contact details."""

    id: uuid.UUID
    user_id: uuid.UUID
    type: ItemType
    status: ItemStatus
    title: str
    description: str | None
    category: Category
    brand: str | None
    color: str | None
    image_url: str | None = Field(
        description="The main photo; null only for a lost report sent without a photo "
        "(POST /api/v1/lost/described)"
    )
    thumbnail_url: str | None
    small_thumbnail_url: str | None
    location: str
    location_detail: str | None
    location_type: str | None
    latitude: float | None
    longitude: float | None
    date_time: datetime
    contact_method: ContactMethod
    view_count: int
    match_count: int
    ai_processed: bool = Field(description="The photo has been analysed (analysis_status done)")
    analysis_status: AnalysisStatus = Field(
        description="pending until a vision worker has analysed the photo and looked for "
        "matches; failed when the photo cannot be analysed (analysis_error says why)"
    )
    analysis_error: str | None = Field(
        default=None, description="photo_missing, photo_unreadable or analysis_gave_up"
    )
    ai_category: str | None
    detected_objects: list[dict[str, Any]] | None
    photos: list[PhotoOut] = Field(
        default_factory=list, description="Every photo, main first (up to 5)"
    )
    venue_verified: bool | None = Field(
        default=None,
        description="Held at a venue's desk: whether a platform administrator has verified "
        "the venue (true) or not yet (false); null for a person's report",
    )
    created_at: datetime
    updated_at: datetime


class ItemDetailOut(ItemOut):
    """GET /api/v1/items/{id}: contact details only for the owner and a confirmed match."""

    contact_phone: str | None = None
    contact_email: str | None = None
    owner: OwnerOut | None = None


class BrowseOut(BaseModel):
    items: list[ItemOut]
    pagination: Pagination


class StatusUpdateIn(InputModel):
    status: ItemStatus


class StatusOut(BaseModel):
    id: uuid.UUID
    status: ItemStatus
    updated_at: datetime
