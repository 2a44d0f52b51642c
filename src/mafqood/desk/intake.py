"""A desk's intake of several found items in one request.

Each entry becomes a found report owned by the venue's desk account (so the contact shown
after a match is the desk's), with a tag code and a storage location, analysed and matched
by the vision workers like any report, within the venue's intake budget (budget.py). Each
entry is stored in its own transaction: one bad photo never loses the others, and each result
says what became of its entry.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import FormData, UploadFile

from mafqood.core.errors import (
    AppError,
    Conflict,
    FieldError,
    field_error_details,
    field_summary,
    localise_field_errors,
)
from mafqood.core.i18n import Language, translate
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.desk.budget import charge_intake
from mafqood.desk.ports import IntakeServices
from mafqood.desk.presenters import venue_item
from mafqood.desk.schemas import IntakeEntry, IntakeError, IntakeOut, IntakeResult
from mafqood.items import service as items
from mafqood.items.analysis_queue import enqueue_analysis
from mafqood.items.models import Item
from mafqood.items.photo_guard import guard_report_photo
from mafqood.items.photos import add_rows, photo_key
from mafqood.items.schemas import ItemCreate
from mafqood.photos.service import process_upload, store_photo
from mafqood.users.models import User
from mafqood.venues import access
from mafqood.venues.models import Venue

# Tag codes: easy to read out and type (no 0/O, 1/I/L), e.g. K7Q-4M2.
TAG_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TAG_ATTEMPTS = 5

_entries = TypeAdapter(list[dict[str, Any]])


@dataclass(frozen=True)
class NewItem:
    """An entry whose fields are valid, with the photo it names (None: the request has no
    file of that name)."""

    fields: IntakeEntry
    photo: UploadFile | None

    @property
    def photo_name(self) -> str:
        return self.fields.photo


@dataclass(frozen=True)
class RefusedEntry:
    """An entry whose fields are not valid: it fails alone, as a request of its own would."""

    photo_name: str | None
    error: ValidationError


IntakeLine = NewItem | RefusedEntry


@dataclass(frozen=True)
class Intake:
    venue_id: uuid.UUID
    entries: tuple[IntakeLine, ...]
    # The language of the entries' error messages.
    language: Language


@dataclass(frozen=True)
class Received:
    venue: Venue
    outcome: IntakeOut


def new_tag_code() -> str:
    raw = "".join(secrets.choice(TAG_ALPHABET) for _ in range(6))
    return f"{raw[:3]}-{raw[3:]}"


def line(raw: Mapping[str, Any], files: Mapping[str, object]) -> IntakeLine:
    """One entry as sent: its fields, and in `photo` the name of its file among `files`."""
    try:
        fields = IntakeEntry.model_validate(raw)
    except ValidationError as exc:
        named = raw.get("photo")
        return RefusedEntry(named if isinstance(named, str) else None, exc)
    upload = files.get(fields.photo)
    return NewItem(fields, upload if isinstance(upload, UploadFile) else None)


def lines_from_form(form: FormData, max_items: int) -> tuple[IntakeLine, ...]:
    """The API's form: in `items` a JSON list of entries, each naming its photo's part."""
    raw = form.get("items")
    if not isinstance(raw, str):
        raise FieldError("items", "missing")
    try:
        entries = _entries.validate_python(json.loads(raw))
    except (ValueError, ValidationError) as exc:
        raise FieldError("items", "invalid_json") from exc
    if not entries:
        raise FieldError("items", "invalid_json")
    if len(entries) > max_items:
        raise FieldError("items", "too_many_items", max_items=max_items)
    return tuple(line(entry, form) for entry in entries)


async def receive(
    uow: UnitOfWork, actor: User, command: Intake, services: IntakeServices
) -> Received:
    """Take in the entries for one of the actor's venues, each in its own transaction."""
    venue = await access.member_venue(uow, command.venue_id, actor)
    # Every photo the vision workers would analyse is paid for up front, failed ones too:
    # a refused intake stores nothing.
    photos = sum(
        isinstance(entry, NewItem) and entry.photo is not None for entry in command.entries
    )
    await charge_intake(services.rate_limiter, services.settings, venue, photos)
    venue_id, desk_id = venue.id, venue.desk_user_id
    results: list[IntakeResult] = []
    for index, entry in enumerate(command.entries):
        try:
            if isinstance(entry, RefusedEntry):
                raise entry.error
            if entry.photo is None:
                name = entry.photo_name
                raise FieldError(f"items.{index}.photo", "photo_missing", name=name)
            # Loaded again for each entry: a failed entry's rollback expires them.
            held_at = await uow.get(Venue, venue_id)
            desk = await uow.get(User, desk_id)
            assert held_at is not None and desk is not None
            item = await _create(uow, services, held_at, desk, entry.fields, entry.photo)
        except (AppError, ValidationError) as exc:
            await uow.rollback()
            error = _error(exc, index, command.language)
            results.append(
                IntakeResult(index=index, photo=entry.photo_name, created=False, error=error)
            )
            continue
        results.append(
            IntakeResult(
                index=index,
                photo=entry.photo_name,
                created=True,
                item=venue_item(item, services.storage),
            )
        )
    created = sum(result.created for result in results)
    outcome = IntakeOut(created=created, failed=len(results) - created, results=results)
    # Loaded again: a failed last entry's rollback expired it.
    held_at = await uow.get(Venue, venue_id)
    assert held_at is not None
    return Received(held_at, outcome)


async def _create(
    db: UnitOfWork,
    services: IntakeServices,
    venue: Venue,
    desk: User,
    entry: IntakeEntry,
    upload: UploadFile,
) -> Item:
    settings = services.settings
    photo = await process_upload(upload, settings.max_upload_bytes, settings.max_image_pixels)
    duplicate = await items.find_duplicate(db, desk.id, photo.perceptual_hash)
    if duplicate is not None:
        raise Conflict("duplicate_photo", extra={"item_id": str(duplicate.id)})
    report = ItemCreate(
        title=entry.title,
        description=entry.description,
        category=entry.category,
        brand=entry.brand,
        color=entry.color,
        location=venue.name,
        location_detail=entry.location_detail,
        location_type=venue.location_type,
        latitude=float(venue.latitude),
        longitude=float(venue.longitude),
        date_time=entry.date_time or datetime.now(UTC),
        contact_method="phone" if venue.desk_phone else "email" if venue.desk_email else "in_app",
        contact_phone=venue.desk_phone,
        contact_email=venue.desk_email,
    )
    item_id = uuid.uuid4()
    base_key = photo_key(item_id)
    guard = await guard_report_photo(db, base_key, settings.orphan_photo_grace_seconds)
    stored = await store_photo(db, services.storage, services.photo_screening, photo, base_key)
    for _attempt in range(TAG_ATTEMPTS):
        try:
            async with db.begin_nested():
                item = await items.create_item(
                    db, services.storage, desk, item_id, "found", report, stored
                )
                item.venue_id = venue.id
                item.tag_code = new_tag_code()
                item.storage_location = entry.storage_location
                item.control_details = entry.control_details
                await db.flush()
            break
        except IntegrityError:  # a tag code already in use (one in a billion): draw again
            continue
    else:
        raise Conflict("conflict")
    # The photo's row, as a report sent by a person has (releasing the guard).
    await add_rows(db, item.id, [(0, stored, guard)])
    enqueue_analysis(db, item.id)
    await db.commit()
    await db.refresh(item)
    return item


def _error(exc: AppError | ValidationError, index: int, language: Language) -> IntakeError:
    """The error body the entry would have had as a request of its own."""
    if isinstance(exc, AppError) and not isinstance(exc, FieldError):
        message = translate(exc.code, language, **exc.params)
        return IntakeError(status=exc.status_code, code=exc.code, message=message, detail=message)
    if isinstance(exc, FieldError):
        fields = field_error_details(exc, language)
    else:
        located = [
            {**error, "loc": ("body", "items", index, *error["loc"])} for error in exc.errors()
        ]
        fields = localise_field_errors(located, language)
    return IntakeError(
        status=422,
        code="validation_error",
        message=field_summary(language, fields),
        detail=fields,
    )
