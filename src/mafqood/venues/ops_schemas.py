"""Request and response bodies of retention and disposal."""

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
