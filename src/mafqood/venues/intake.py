"""A desk's intake of several found items in one request.

Each entry becomes a found report owned by the venue's desk account (so the contact shown
after a match is the desk's), with a tag code and a storage location, analysed and matched
by the vision workers like any report. Each entry is stored in its own transaction: one bad
photo never loses the others, and each result says what became of its entry.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import FormData, UploadFile

from mafqood.composition.container import Container
from mafqood.core.config import Settings
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
from mafqood.items import service as items
from mafqood.items.models import Item
from mafqood.items.schemas import ItemCreate
from mafqood.matching.queue import enqueue_analysis
from mafqood.photos.service import (
    guard_report_photo,
    process_upload,
    release_photo_guard,
    store_photo,
)
from mafqood.users.models import User
from mafqood.venues.models import Venue
from mafqood.venues.presenters import venue_item
from mafqood.venues.schemas import IntakeEntry, IntakeError, IntakeOut, IntakeResult

# Tag codes: easy to read out and type (no 0/O, 1/I/L), e.g. K7Q-4M2.
TAG_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TAG_ATTEMPTS = 5

_entries = TypeAdapter(list[dict[str, Any]])


def new_tag_code() -> str:
    raw = "".join(secrets.choice(TAG_ALPHABET) for _ in range(6))
    return f"{raw[:3]}-{raw[3:]}"


def parse_entries(form: FormData, settings: Settings) -> list[dict[str, Any]]:
    """The `items` field: a JSON list of entries, each naming its photo part."""
    raw = form.get("items")
    if not isinstance(raw, str):
        raise FieldError("items", "missing")
    try:
        entries = _entries.validate_python(json.loads(raw))
    except (ValueError, ValidationError) as exc:
        raise FieldError("items", "invalid_json") from exc
    if not entries:
        raise FieldError("items", "invalid_json")
    if len(entries) > settings.intake_max_items:
        raise FieldError("items", "too_many_items", max_items=settings.intake_max_items)
    return entries


async def intake(
    db: UnitOfWork,
    container: Container,
    venue: Venue,
    entries: list[dict[str, Any]],
    photos: Mapping[str, object],
    language: Language,
) -> IntakeOut:
    """Each entry names its photo among `photos` (the request's file parts)."""
    venue_id, desk_id = venue.id, venue.desk_user_id
    results: list[IntakeResult] = []
    for index, raw in enumerate(entries):
        photo_name = raw.get("photo") if isinstance(raw.get("photo"), str) else None
        try:
            entry = IntakeEntry.model_validate(raw)
            upload = photos.get(entry.photo)
            if not isinstance(upload, UploadFile):
                raise FieldError(f"items.{index}.photo", "photo_missing", name=entry.photo)
            # Loaded again for each entry: a failed entry's rollback expires them.
            held_at = await db.get(Venue, venue_id)
            desk = await db.get(User, desk_id)
            assert held_at is not None and desk is not None
            item = await _create(db, container, held_at, desk, entry, upload)
        except (AppError, ValidationError) as exc:
            await db.rollback()
            results.append(
                IntakeResult(
                    index=index, photo=photo_name, created=False, error=_error(exc, index, language)
                )
            )
            continue
        results.append(
            IntakeResult(
                index=index,
                photo=photo_name,
                created=True,
                item=venue_item(item, container.storage),
            )
        )
    created = sum(result.created for result in results)
    return IntakeOut(created=created, failed=len(results) - created, results=results)


async def _create(
    db: UnitOfWork,
    container: Container,
    venue: Venue,
    desk: User,
    entry: IntakeEntry,
    upload: UploadFile,
) -> Item:
    settings = container.settings
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
    base_key = f"items/{item_id}"
    guard = await guard_report_photo(db, base_key, settings.orphan_photo_grace_seconds)
    stored = await store_photo(db, container.storage, container.photo_screening, photo, base_key)
    for _attempt in range(TAG_ATTEMPTS):
        try:
            async with db.begin_nested():
                item = await items.create_item(
                    db, container.storage, desk, item_id, "found", report, stored
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
    await release_photo_guard(db, guard)
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
