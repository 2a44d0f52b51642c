from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mafqood.core.validation import InputModel

ReportReason = Literal["spam", "inappropriate", "fraud", "offensive", "personal_info", "other"]


class ReportIn(InputModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "fraud", "details": "Asks for money"}]},
    )

    reason: ReportReason
    details: str | None = Field(default=None, max_length=1000)


class ReportOut(BaseModel):
    id: uuid.UUID
    item_id: uuid.UUID
    reason: ReportReason
    created_at: datetime
    message: str


class ReviewIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    # restore: show the item again; remove: delete it with its photos.
    action: Literal["restore", "remove"]


class HiddenItemOut(BaseModel):
    id: uuid.UUID
    title: str
    type: str
    user_id: uuid.UUID
    reported_count: int
    reasons: list[str]
    updated_at: datetime


class HiddenItemsOut(BaseModel):
    items: list[HiddenItemOut]
