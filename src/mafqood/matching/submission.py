"""Reporting a lost or found item (POST /api/v1/lost and /found): store, enqueue, wait, present.

The API process never runs a model. It checks the photo, stores it and the report (pending)
with its analysis job in one transaction, then waits, up to MATCH_WAIT_MS and holding no
database connection or thread, for a vision worker to say the report is analysed. In time:
the 201 carries the matches as it always did. Late: the 201 says `matching: "pending"` and
the matches reach both owners like any later match (notification, WebSocket, push).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import structlog
from fastapi import UploadFile
from sqlalchemy import select

from mafqood.core.errors import Conflict
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items import service
from mafqood.items.analysis_queue import enqueue_analysis
from mafqood.items.models import Item
from mafqood.items.photos import add_rows, read_photos, store_views
from mafqood.items.presenters import item_detail
from mafqood.items.schemas import AnalysisStatus, ItemCreate
from mafqood.lifecycle.access import photo_access
from mafqood.matching import service as matching
from mafqood.matching.ports import SubmissionServices
from mafqood.matching.schemas import ItemSubmitOut
from mafqood.photos.service import StoredPhoto
from mafqood.users.models import User
from mafqood.worker.app import VISION_QUEUE

log = structlog.get_logger(__name__)
RECHECK_SECONDS = 1.0
# Reading the report and its matches back and encoding the answer, under load.
ANSWER_SECONDS = 0.1


@dataclass(frozen=True)
class ReportItem:
    kind: Literal["lost", "found"]
    form: ItemCreate
    # At least one photo for a found report; a lost report may have none.
    images: Sequence[UploadFile]
    # When the request arrived (time.monotonic()): the phone's whole wait is bounded from it.
    received_at: float


async def submit(
    db: UnitOfWork, user: User, command: ReportItem, container: SubmissionServices
) -> ItemSubmitOut:
    # The phone's whole wait is bounded: receiving and checking the photo count against
    # MATCH_WAIT_MS, and the answer's own work after the wait is set aside.
    deadline = command.received_at + container.settings.match_wait_ms / 1000 - ANSWER_SECONDS
    form = command.form
    service.check_contact(form)
    item_id = uuid.uuid4()
    stored: list[tuple[int, StoredPhoto, uuid.UUID]] = []
    main: StoredPhoto | None = None
    if command.images or command.kind == "found":
        photos = await read_photos(command.images, container)
        duplicate = await service.find_duplicate(db, user.id, photos[0].perceptual_hash)
        if duplicate is not None:
            raise Conflict("duplicate_photo", extra={"item_id": str(duplicate.id)})
        stored = await store_views(db, container, item_id, photos)
        main = stored[0][1]
    # Else a lost report described in words only (people rarely photographed what they
    # lost): the vision worker matches it by its text, place and time.
    item = await service.create_item(db, container.storage, user, item_id, command.kind, form, main)
    service.state_document(db, item, form, container.settings.document_secrets())
    await add_rows(db, item.id, stored)
    enqueue_analysis(db, item.id)
    with container.hub.analyses.expect(str(item.id)) as analysed:
        # Committing sends the job; the connection goes back to the pool for the wait.
        await db.commit()
        await _wait(db, container, item.id, analysed, deadline)
    return await present(db, container, item, user)


async def _wait(
    db: UnitOfWork,
    container: SubmissionServices,
    item_id: uuid.UUID,
    analysed: asyncio.Future[None],
    deadline: float,
) -> None:
    """Until the deadline; not at all when the vision queue is long (the answer would be
    late anyway, and the phone should not hang on it). The worker's announcement ends the
    wait; in case it was missed (Redis reconnecting), the row is looked at every second."""
    settings = container.settings
    if deadline <= time.monotonic():
        return
    try:
        backlog = int(await container.redis.llen(VISION_QUEUE))
    except Exception:
        return
    if backlog > settings.match_wait_max_queue:
        log.info("submission_not_waiting", backlog=backlog)
        return
    while (left := deadline - time.monotonic()) > 0:
        done, _ = await asyncio.wait([analysed], timeout=min(left, RECHECK_SECONDS))
        if done or await _analysed(db, item_id):
            return


async def _analysed(db: UnitOfWork, item_id: uuid.UUID) -> bool:
    status = await db.scalar(select(Item.analysis_status).where(Item.id == item_id))
    await db.commit()  # gives the connection back for the rest of the wait
    return status != "pending"


async def present(
    db: UnitOfWork, container: SubmissionServices, item: Item, user: User
) -> ItemSubmitOut:
    """The report as it is now: with its matches once analysed."""
    await db.refresh(item)
    found = []
    access = await photo_access(db, user)
    if item.analysis_status == "done":
        found = (await matching.matches_for_items(db, container.storage, [item], access)).get(
            item.id, []
        )
    status: AnalysisStatus = item.analysis_status  # type: ignore[assignment]
    return ItemSubmitOut(
        item=item_detail(item, container.storage, access, show_contact=True, owner=user),
        matches=found,
        match_count=len(found),
        matching=status,
    )
