"""Masked copies of a report's photos of documents: the job of the vision workers, queued when
an analysis ends (processing.py) or a report's category becomes a document's.

For each view that shows a document (items/photo_access.py) and has no masked copy yet, the
worker reads the photo, paints over its text, identifiers and faces (vision/redaction.py),
stores the masked photo and its thumbnails under new keys, and moves the photo as taken to
new keys as well: whoever saw its URL while it was not known to be a document (its report was
of another category) holds a URL that no longer answers. The rows change in one transaction,
taken with the report locked and only while no analysis is pending (an analysis reads the
photos by key: one queued meanwhile queues this job again when it ends). Files are written
behind orphan guards before the rows commit, and the old ones deleted after, so a worker
killed anywhere leaves neither a row without its files nor files for ever.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from dataclasses import dataclass

import structlog
from PIL import Image
from sqlalchemy import select

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item, ItemPhoto
from mafqood.items.photo_access import shows_document
from mafqood.items.photo_guard import guard_report_photo, release_photo_guard
from mafqood.items.photos import photo_key
from mafqood.items.redaction_queue import needs_redaction
from mafqood.matching.ports import VisionServices
from mafqood.observability.metrics import observe_inference
from mafqood.photos.processing import encode_files
from mafqood.photos.service import photo_keys, photo_urls
from mafqood.storage import Storage
from mafqood.vision.redaction import redact
from mafqood.worker import outbox

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class _View:
    """A photo to mask, as it was when the job began."""

    id: uuid.UUID
    image_key: str


@dataclass(frozen=True)
class _Prepared:
    """New files of one view, stored, waiting for the rows to point at them."""

    photo_id: uuid.UUID
    old_key: str
    moved_key: str
    redacted_key: str
    guards: tuple[uuid.UUID, uuid.UUID]

    @property
    def new_files(self) -> list[str]:
        return photo_keys(self.moved_key) + photo_keys(self.redacted_key)


def mask(photo: bytes) -> tuple[bytes, bytes, bytes]:
    """The masked photo's three files. CPU-bound: run it in a thread."""
    with Image.open(io.BytesIO(photo)) as opened:
        image = opened.convert("RGB")
    return encode_files(redact(image).image)


async def _prepare(
    session: UnitOfWork, container: VisionServices, item_id: uuid.UUID, view: _View
) -> _Prepared:
    storage = container.storage
    grace = container.settings.orphan_photo_grace_seconds
    moved_key, redacted_key = photo_key(item_id), photo_key(item_id)
    guards = (
        await guard_report_photo(session, moved_key, grace),
        await guard_report_photo(session, redacted_key, grace),
    )
    old_files = photo_keys(view.image_key)
    taken = [await storage.get(key) for key in old_files]
    with observe_inference("redaction"):
        masked = await asyncio.to_thread(mask, taken[0])
    files = zip(
        photo_keys(redacted_key) + photo_keys(moved_key), masked + tuple(taken), strict=True
    )
    for key, data in files:
        await storage.put(key, data, "image/jpeg")
    return _Prepared(view.id, view.image_key, moved_key, redacted_key, guards)


async def redact_report(container: VisionServices, job_id: uuid.UUID) -> str:
    """Run one masking job. Returns what happened: done, skipped (nothing to mask, another
    worker holds the job, or an analysis is pending) or gone (the report was deleted)."""
    storage = container.storage
    async with container.sessionmaker() as session:
        job = await outbox.claim(session, job_id)
        if job is None:
            return "skipped"
        item_id = uuid.UUID(job.payload["item_id"])
        item = await session.get(Item, item_id)
        if item is None or item.analysis_status == "pending" or not needs_redaction(item):
            await session.delete(job)
            await session.commit()
            return "gone" if item is None else "skipped"
        views = [
            _View(view.id, view.image_key)
            for view in item.photos
            if shows_document(item, view) and not view.redacted_key
        ]
        # Masking takes seconds: no transaction stays open meanwhile, and this connection is
        # the job's only one (a second one, waiting behind a lock that the first holds, would
        # wait for ever without PostgreSQL seeing a deadlock).
        await session.commit()
        prepared = [await _prepare(session, container, item_id, view) for view in views]
        job = await outbox.claim(session, job_id)
        if job is None:  # another worker ran it meanwhile: this run's files go
            await _remove(storage, [key for entry in prepared for key in entry.new_files])
            return "skipped"
        # The report is locked, then read again: a photo removed, or an analysis queued, while
        # the photos were masked wins, and this job's files go.
        item = await session.get(Item, item_id, with_for_update=True, populate_existing=True)
        applied = []
        if item is not None and item.analysis_status != "pending":
            rows = await session.scalars(
                select(ItemPhoto)
                .where(ItemPhoto.item_id == item_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            applied = _apply(item, list(rows), prepared, storage)
        for entry in applied:
            for guard in entry.guards:
                await release_photo_guard(session, guard)
        stale = [key for entry in prepared if entry not in applied for key in entry.new_files]
        replaced = [key for entry in applied for key in photo_keys(entry.old_key)]
        await session.delete(job)
        await session.commit()
    await _remove(storage, stale + replaced)
    log.info("document_photos_masked", item_id=str(item_id), photos=len(applied))
    return "done" if applied else "skipped"


def _apply(
    item: Item, views: list[ItemPhoto], prepared: list[_Prepared], storage: Storage
) -> list[_Prepared]:
    """Point the rows at the new files; only views still as they were when masked (another
    worker may have masked them meanwhile, or their owner removed them)."""
    by_id = {view.id: view for view in views}
    applied = []
    for entry in prepared:
        view = by_id.get(entry.photo_id)
        if view is None or view.image_key != entry.old_key or view.redacted_key:
            continue
        view.image_key, view.redacted_key = entry.moved_key, entry.redacted_key
        if item.image_key == entry.old_key:
            item.image_key = entry.moved_key
            item.image_url, item.thumbnail_url, _ = photo_urls(storage, entry.moved_key)
        applied.append(entry)
    return applied


async def _remove(storage: Storage, keys: list[str]) -> None:
    if keys:
        await storage.delete(keys)
