"""The JSON of threads and messages."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from mafqood.core.pagination import Pagination
from mafqood.core.validation import InputModel

MAX_TEXT = 4000
MAX_PHOTOS = 3
PartyName = Literal["owner", "finder"]
ReadOnlyReason = Literal["blocked", "match_closed", "item_closed"]
ClientId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]

MASKING = (
    "Until contacts are shared (both sides said yes to the match, or the claim was approved), "
    "phone numbers, e-mail addresses and links in the other side's messages are replaced by "
    "`•••` and `masked` lists what was hidden: the confirm-before-contact rule would mean "
    "nothing if a message could carry a number. The sender's side sees its text as written."
)


class MessagePhotoOut(BaseModel):
    url: str
    thumbnail_url: str
    small_thumbnail_url: str


class MessageOut(BaseModel):
    id: uuid.UUID
    thread_id: uuid.UUID
    seq: int = Field(description="Number of the message in its thread: the `since` cursor")
    side: PartyName = Field(description="The side that sent it")
    mine: bool = Field(description="Sent by the reader's side")
    sender_name: str | None = Field(description="None once the sender's account is deleted")
    text: str | None = Field(description="None when removed or its sender deleted; " + MASKING)
    masked: list[Literal["phone", "email", "link"]] = []
    photos: list[MessagePhotoOut] = []
    client_id: str | None = Field(description="The sender's own id of the message (theirs only)")
    state: Literal["sent", "removed", "deleted"] = "sent"
    read_by_other_side: bool = False
    created_at: datetime


class ThreadOut(BaseModel):
    id: uuid.UUID
    match_id: uuid.UUID | None
    claim_id: uuid.UUID | None
    item_id: uuid.UUID = Field(description="The found item the thread is about")
    lost_item_id: uuid.UUID | None
    title: str = Field(description="The found item's title")
    my_side: PartyName
    contacts_shared: bool
    read_only: ReadOnlyReason | None
    blocked_by_me: bool
    last_seq: int
    last_message_at: datetime | None
    my_last_read_seq: int
    other_side_read_seq: int = Field(description="How far the other side has read (receipts)")
    unread_count: int
    last_message: MessageOut | None = None


class ThreadListOut(BaseModel):
    threads: list[ThreadOut]
    pagination: Pagination


class MessagePageOut(BaseModel):
    thread: ThreadOut
    messages: list[MessageOut]
    has_more: bool = Field(
        description="More messages beyond this page: older ones (newest-first pages), or "
        "newer ones after `since`"
    )


class SentOut(BaseModel):
    message: MessageOut
    created: bool = Field(description="False: this client_id was sent before; nothing new stored")


class ReadIn(InputModel):
    up_to: int = Field(ge=0, description="The seq of the newest message read")


class ReportMessageIn(InputModel):
    reason: Literal["spam", "inappropriate", "fraud", "offensive", "personal_info", "other"]
    details: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None


class ReportMessageOut(BaseModel):
    id: uuid.UUID
    message_id: uuid.UUID
    reason: str
    created_at: datetime
    message: str


class ReportedMessageOut(BaseModel):
    id: uuid.UUID
    thread_id: uuid.UUID
    text: str | None
    photos: list[MessagePhotoOut]
    sender_id: uuid.UUID | None
    reasons: list[str]
    reports: int
    created_at: datetime


class ReportedMessagesOut(BaseModel):
    messages: list[ReportedMessageOut]


class MessageReviewIn(InputModel):
    action: Literal["dismiss", "remove"]
