from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mafqood.core.validation import InputModel
from mafqood.users.schemas import UserOut
from mafqood.venues.schemas import ExportMembership


class ExportProfile(UserOut):
    """The profile the app shows, plus the account's own bookkeeping."""

    is_active: bool
    updated_at: datetime
    last_login_at: datetime | None


class ExportPhoto(BaseModel):
    url: str
    thumbnail_url: str
    small_thumbnail_url: str


class ExportItem(BaseModel):
    id: uuid.UUID
    type: str
    status: str
    title: str
    description: str | None
    category: str
    brand: str | None
    color: str | None
    photo: ExportPhoto | None
    other_photos: list[ExportPhoto] = []
    location: str
    location_detail: str | None
    location_type: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    date_time: datetime
    contact_method: str
    contact_phone: str | None
    contact_email: str | None
    ai_category: str | None
    detected_objects: Any = None
    view_count: int
    match_count: int
    is_hidden: bool
    created_at: datetime
    updated_at: datetime


class ExportMatch(BaseModel):
    id: uuid.UUID
    my_item_id: uuid.UUID
    other_item_id: uuid.UUID
    similarity_score: float
    confidence: str | None
    status: str
    my_answer: bool | None
    my_notes: str | None
    created_at: datetime
    updated_at: datetime


class ExportNotification(BaseModel):
    id: uuid.UUID
    type: str
    title: str
    message: str
    item_id: uuid.UUID | None
    match_id: uuid.UUID | None
    data: dict[str, Any] | None
    is_read: bool
    read_at: datetime | None
    created_at: datetime
    expires_at: datetime


class ExportDevice(BaseModel):
    platform: str
    app_version: str | None
    token: str
    created_at: datetime
    last_seen_at: datetime


class ExportLogin(BaseModel):
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    ip_address: str | None
    user_agent: str | None


class ExportActivity(BaseModel):
    action: str
    entity_type: str | None
    entity_id: uuid.UUID | None
    ip_address: str | None
    user_agent: str | None
    created_at: datetime


class ExportView(BaseModel):
    item_id: uuid.UUID
    created_at: datetime


class ExportReport(BaseModel):
    item_id: uuid.UUID
    reason: str
    details: str | None
    created_at: datetime


class ExportClaim(BaseModel):
    """A claim you made on someone's found item, with your answers."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    item_id: uuid.UUID
    lost_item_id: uuid.UUID | None
    answers: str
    status: str
    reason: str | None
    created_at: datetime
    decided_at: datetime | None


class ExportHandover(BaseModel):
    """An item handed over to you, or by you as a venue's staff member."""

    model_config = ConfigDict(from_attributes=True)

    item_id: uuid.UUID
    collected_by_name: str
    collected_at: datetime
    id_checked: bool
    id_type: str | None
    id_last4: str | None


class ExportMessage(BaseModel):
    id: uuid.UUID
    thread_id: uuid.UUID
    seq: int
    side: str
    client_id: str | None
    text: str | None
    photos: list[ExportPhoto]
    removed_at: datetime | None
    created_at: datetime


class ExportMessageReport(BaseModel):
    id: uuid.UUID
    message_id: uuid.UUID
    reason: str
    details: str | None
    created_at: datetime


class ExportOut(BaseModel):
    """Everything Mafqood stores about you. Photos are links; derived search vectors of your
    photos and descriptions are not included (they are numbers computed from what is here)."""

    generated_at: datetime
    profile: ExportProfile
    items: list[ExportItem]
    matches: list[ExportMatch]
    notifications: list[ExportNotification]
    devices: list[ExportDevice]
    logins: list[ExportLogin]
    activity: list[ExportActivity]
    viewed_items: list[ExportView]
    reports: list[ExportReport]
    # Venues you are a member of. Items you posted for a venue belong to the venue and are
    # not in `items`.
    venue_memberships: list[ExportMembership]
    claims: list[ExportClaim]
    handovers: list[ExportHandover]
    # Messages you sent (as written), and your reports of messages.
    messages: list[ExportMessage] = []
    message_reports: list[ExportMessageReport] = []


class AccountDeleteIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=1, max_length=128, description="Your current password")


class AccountDeletedOut(BaseModel):
    message: str
