from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from mafqood.core.pagination import Pagination
from mafqood.core.validation import InputModel
from mafqood.items.schemas import AnalysisStatus, ItemDetailOut, ItemOut

Confidence = Literal["high", "medium", "low"]


class MatchOut(BaseModel):
    """A match seen from one of its two items: matched_item is the other side."""

    id: uuid.UUID
    matched_item: ItemOut
    similarity: float
    confidence: str | None
    matching_features: dict[str, Any] | None
    status: str
    confirmed_by_me: bool | None
    confirmed_by_other: bool | None
    created_at: datetime


class ItemSubmitOut(BaseModel):
    """`matches` are those found by the time of the answer. With `matching: "pending"` the
    photo is still being analysed: matches found then reach both owners as notifications
    (WebSocket `new_match`, push) and through GET /api/v1/items/{id}/matches; the owner's
    sockets also get `item_analysed` when the analysis ends."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "item": {"id": "…", "analysis_status": "done"},
                    "matches": [{"id": "…"}],
                    "match_count": 1,
                    "matching": "done",
                },
                {
                    "item": {"id": "…", "analysis_status": "pending"},
                    "matches": [],
                    "match_count": 0,
                    "matching": "pending",
                },
            ]
        }
    )

    item: ItemDetailOut
    matches: list[MatchOut]
    match_count: int
    matching: AnalysisStatus = Field(
        description="done: `matches` is complete; pending: analysis goes on, matches come "
        "as notifications; failed: the photo could not be analysed"
    )


class ItemWithMatches(BaseModel):
    item: ItemDetailOut
    matches: list[MatchOut]


class HistoryOut(BaseModel):
    lost_items: list[ItemWithMatches]
    found_items: list[ItemWithMatches]
    pagination: Pagination


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
