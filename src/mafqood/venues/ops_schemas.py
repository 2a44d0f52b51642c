"""Request and response bodies of retention, disposal and the venue's reports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from mafqood.core.pagination import Pagination
from mafqood.core.validation import InputModel, blank_to_none

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
