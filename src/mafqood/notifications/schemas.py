from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from mafqood.core.validation import InputModel

NotificationType = Literal["match", "message", "update", "system", "claim"]
Platform = Literal["ios", "android", "web"]


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    type: NotificationType
    title: str
    message: str
    item_id: uuid.UUID | None
    match_id: uuid.UUID | None
    venue_verified: bool | None = Field(
        default=None,
        description="About an item held at a venue's desk: whether the venue is verified; "
        "null otherwise",
    )
    is_read: bool
    created_at: datetime


class NotificationListOut(BaseModel):
    notifications: list[NotificationOut]
    unread_count: int
    total: int
    has_more: bool


class ReadOut(BaseModel):
    id: uuid.UUID
    is_read: bool
    read_at: datetime | None


class ReadAllOut(BaseModel):
    message: str
    count: int


def _push_token(value: str) -> str:
    # FCM and APNs tokens are printable ASCII without spaces.
    if not value or any(not ("!" <= char <= "~") for char in value):
        raise PydanticCustomError("invalid_push_token", "Not a push token.")
    return value


PushToken = Annotated[
    str,
    Field(min_length=1, max_length=4096, description="The FCM registration token"),
    AfterValidator(_push_token),
]


class DeviceIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    token: PushToken
    platform: Platform
    app_version: str | None = Field(default=None, max_length=32, examples=["1.4.2"])


class DeviceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    platform: Platform
    app_version: str | None
    created_at: datetime
    last_seen_at: datetime


class DeviceDeleteIn(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    token: PushToken
