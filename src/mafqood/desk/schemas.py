"""Request and response bodies of the venue desk: intake, the inventory and its items, the
venue's reports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from mafqood.core.pagination import Pagination
from mafqood.core.validation import DateTimeInRange, InputModel, Name, blank_to_none
from mafqood.items.schemas import (
    Brand,
    Category,
    Color,
    Description,
    Detail,
    ItemDetailOut,
)

StorageLocation = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)] | None,
    BeforeValidator(blank_to_none),
]
ControlDetails = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None,
    BeforeValidator(blank_to_none),
]


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


class Period(BaseModel):
    from_: datetime = Field(serialization_alias="from", description="Included")
    to: datetime = Field(description="Not included")


class Breakdown(BaseModel):
    received: int
    returned: int
    disposed: int


class CategoryRow(Breakdown):
    category: str


class StorageRow(Breakdown):
    storage_location: str | None


class ReportOut(BaseModel):
    """Counts of one period. received, returned and disposed count what happened in the
    period; matched, intake_returned and the medians follow the items received in it."""

    venue_id: uuid.UUID
    period: Period
    received: int = Field(description="Items taken in during the period")
    matched: int = Field(description="Of those, items that got at least one match")
    claimed: int = Field(description="Claims approved during the period")
    returned: int = Field(description="Items handed over during the period")
    disposed: int = Field(description="Items disposed of during the period")
    intake_returned: int = Field(description="Of the items received, those handed over since")
    return_rate: float | None = Field(description="intake_returned / received; null: no intake")
    median_hours_to_first_match: float | None
    median_hours_to_return: float | None
    by_category: list[CategoryRow]
    by_storage_location: list[StorageRow]


ReportFormat = Literal["json", "csv"]
# A period longer than this is a typo or a query nobody should run on a request.
MAX_REPORT_DAYS = 366
DEFAULT_REPORT_DAYS = 30
