from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mafqood.core.validation import InputModel
from mafqood.items.schemas import MatchOut

Confidence = Literal["high", "medium", "low"]


class MatchListOut(BaseModel):
    matches: list[MatchOut]
    total: int


class ConfirmIn(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"confirmed": True, "notes": "This looks like my item!"}]}
    )

    confirmed: bool
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None


class MatchStateOut(BaseModel):
    id: uuid.UUID
    status: str
    user_item_owner_confirmed: bool | None
    matched_item_owner_confirmed: bool | None
    updated_at: datetime


class ConfirmOut(BaseModel):
    match: MatchStateOut
    claim_required: bool = Field(
        default=False,
        description="The found item has control details: contacts are shared only once the "
        "lost report's owner claims it (POST /api/v1/items/{found_id}/claims, with "
        "lost_item_id) and the finder side approves the claim",
    )
