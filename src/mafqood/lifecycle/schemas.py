"""Request and response bodies of claims (with the finder's hidden questions), handovers,
and the disposal of items past their holding period."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from mafqood.core.pagination import Pagination
from mafqood.core.validation import DateTimeInRange, InputModel, Name, blank_to_none
from mafqood.items.schemas import CLOCK_TOLERANCE, Detail, ItemStatus

# The values of statuses.ClaimStatus, as the API documents them.
ClaimStatusName = Literal["pending", "approved", "rejected"]
IdType = Literal["passport", "national_id", "driving_licence", "other"]
Reason = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None,
    BeforeValidator(blank_to_none),
]
ID_LAST4_LENGTH = 4


class ClaimIn(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "answers": "Two bank cards in my name and a photo of my daughter",
                    "lost_item_id": None,
                }
            ]
        }
    )

    answers: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ] = Field(description="What only the owner would know: what is inside, marks, contents")
    lost_item_id: uuid.UUID | None = Field(
        default=None,
        description="Your own lost report of this item (when the claim comes from a match): "
        "approval then shares contacts on that match",
    )


class DecisionIn(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"decision": "approve"},
                {"decision": "reject", "reason": "The cards inside carry another name"},
            ]
        }
    )

    decision: Literal["approve", "reject"]
    reason: Reason = Field(default=None, description="Required to reject; told to the claimant")


def _id_last4(value: object) -> object:
    """Only the last characters of a document number are ever kept: anything longer is
    refused rather than cut, so that a full number never reaches the database or a log."""
    value = blank_to_none(value)
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > ID_LAST4_LENGTH or not (text.isascii() and text.isalnum()):
        raise PydanticCustomError("id_last4", "At most the last 4 letters or digits of the ID")
    return text.upper()


class HandoverIn(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "collected_by_name": "Sara Ahmed",
                    "claim_id": None,
                    "id_checked": True,
                    "id_type": "national_id",
                    "id_last4": "4821",
                    "notes": "Collected with her brother",
                }
            ]
        }
    )

    collected_by_name: Name
    collected_at: DateTimeInRange | None = Field(default=None, description="Default: now")
    claim_id: uuid.UUID | None = Field(
        default=None, description="The approved claim of the person collecting, if any"
    )
    id_checked: bool
    id_type: IdType | None = Field(default=None, description="Required when id_checked")
    id_last4: Annotated[str | None, BeforeValidator(_id_last4)] = Field(
        default=None, description="The ID's last 4 letters or digits at most, never more"
    )
    notes: Detail = None

    @field_validator("collected_at")
    @classmethod
    def _not_in_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value > datetime.now(UTC) + CLOCK_TOLERANCE:
            raise PydanticCustomError("date_in_future", "Must not be in the future")
        return value


class ClaimItemOut(BaseModel):
    id: uuid.UUID
    title: str
    category: str
    status: ItemStatus
    thumbnail_url: str | None
    venue_verified: bool | None = Field(
        default=None,
        description="Held at a venue's desk: whether a platform administrator has verified "
        "the venue (true) or not yet (false); null for a person's report",
    )


class ClaimOut(BaseModel):
    """A claim as its claimant sees it: never with the finder's control details."""

    id: uuid.UUID
    item: ClaimItemOut
    lost_item_id: uuid.UUID | None
    answers: str
    status: ClaimStatusName
    reason: str | None
    decided_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ClaimantOut(BaseModel):
    id: uuid.UUID
    full_name: str
    contact: str | None = Field(description="The claimant's phone or email, once approved")


class ClaimReviewOut(ClaimOut):
    """A claim as the finder side sees it: the answers beside the item's control details."""

    control_details: str | None
    tag_code: str | None
    claimant: ClaimantOut
    decided_by: uuid.UUID | None
    held_for_review: bool = Field(
        default=False,
        description="Filed while the item drew many claims from other people: check the "
        "claimant's identity with particular care",
    )


class ClaimListOut(BaseModel):
    claims: list[ClaimOut]
    pagination: Pagination


class ClaimReviewListOut(BaseModel):
    claims: list[ClaimReviewOut]
    pagination: Pagination


class ItemClaimsOut(ClaimReviewListOut):
    item_id: uuid.UUID
    control_details: str | None = Field(description="What a claimant's answers should match")


class HandoverOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    item_id: uuid.UUID
    claim_id: uuid.UUID | None
    collected_by_name: str
    collected_by_user_id: uuid.UUID | None
    collected_at: datetime
    staff_id: uuid.UUID | None
    id_checked: bool
    id_type: IdType | None
    id_last4: str | None
    notes: str | None
    created_at: datetime


DisposalMethod = Literal["donated", "destroyed", "police"]
DisposalNotes = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None,
    BeforeValidator(blank_to_none),
]


class DisposalIn(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"method": "police", "notes": "Al Barsha police station, receipt 2026/4471"},
                {"method": "donated", "notes": "Dubai Charity, collection of 3 March"},
            ]
        }
    )

    method: DisposalMethod
    notes: DisposalNotes = Field(
        default=None,
        description="What was done; required for police: the station and its receipt number",
    )


class ItemBrief(BaseModel):
    """The item a retention row is about, as the desk knows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    tag_code: str | None
    title: str
    category: str
    storage_location: str | None
    status: str
    created_at: datetime


class DueItemOut(BaseModel):
    item: ItemBrief
    retention_days: int
    due_at: datetime
    days_overdue: int


class DueListOut(BaseModel):
    items: list[DueItemOut]
    pagination: Pagination


class DisposalOut(BaseModel):
    item: ItemBrief
    venue_id: uuid.UUID
    method: DisposalMethod
    notes: str | None
    staff_id: uuid.UUID | None
    staff_name: str | None
    created_at: datetime


class DisposalListOut(BaseModel):
    disposals: list[DisposalOut]
    pagination: Pagination
