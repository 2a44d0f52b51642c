"""Analysing and matching a stored report: the job of the vision workers.

A report is stored by the API with analysis_status "pending" and an outbox job in the same
transaction (see submission.py). A vision worker then:

1. claims the job (a row lock: a second delivery of the same job waits its turn or skips),
   analyses the photo and text and commits the vectors on their own. Two reports of one
   object analysed at the same moment on two workers each commit their vectors before they
   search, so at least one of the two searches sees the other;
2. claims the job again, searches, stores and notifies the new matches, marks the report
   "done" and deletes the job, in one transaction.

A worker killed anywhere leaves the job row: it is sent again (Celery's late ack, the outbox
drain) and the whole job runs again. Matches are inserted once per pair and only a new pair
notifies, so running twice creates nothing twice. A photo that cannot be analysed ends in
"failed" with a reason code, never "pending" forever. A photo added or removed while a job
runs queues a job of its own; the running one then drops its result rather than store the
old photos' vectors.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from datetime import UTC, datetime

import structlog

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.items.redaction_queue import enqueue_redaction, needs_redaction
from mafqood.lifecycle.models import Match
from mafqood.lifecycle.statuses import ItemStatus
from mafqood.matching import engine
from mafqood.matching.analysis import ReportAnalysis, analyse_reports, save, view_keys
from mafqood.matching.models_loader import search_window
from mafqood.matching.ports import VisionServices
from mafqood.realtime import events
from mafqood.storage import StorageError
from mafqood.worker import outbox

log = structlog.get_logger(__name__)


class AnalysisFailed(Exception):
    """The photo cannot be analysed; `reason` is stored on the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def analyse_report(container: VisionServices, job_id: uuid.UUID) -> str:
    """Run one analysis job. Returns what happened: done, failed, skipped (done already, or
    another worker holds it right now) or gone (the report was deleted meanwhile)."""
    vision = container.vision
    async with container.sessionmaker() as session:
        job = await outbox.claim(session, job_id)
        if job is None:
            return "skipped"
        item = await session.get(Item, uuid.UUID(job.payload["item_id"]))
        if item is None or item.analysis_status != "pending":
            await session.delete(job)
            await session.commit()
            return "gone" if item is None else "skipped"
        analysed = view_keys(item)
        try:
            analysis = await _analyse(container, item)
        except AnalysisFailed as failure:
            _finish(session, container, item, "failed", failure.reason, 0)
            await session.delete(job)
            await session.commit()
            log.warning("analysis_failed", item_id=str(item.id), reason=failure.reason)
            return "failed"
        await session.refresh(item, ["photos"])
        if view_keys(item) != analysed:
            return await _superseded(session, job)
        await save(session, item, analysis, vision, container.settings.document_secrets())
        await session.commit()

    async with container.sessionmaker() as session:
        job = await outbox.claim(session, job_id)
        if job is None:
            return "skipped"
        # Locked (without blocking other reports' matches, which only share-lock its key) so
        # that a photo added or removed meanwhile waits, and then sets it pending again.
        item = await session.get(
            Item, uuid.UUID(job.payload["item_id"]), with_for_update={"key_share": True}
        )
        if item is None:
            await session.delete(job)
            await session.commit()
            return "gone"
        if view_keys(item) != analysed:
            return await _superseded(session, job)
        found: list[Match] = []
        if item.status == ItemStatus.OPEN and not item.is_hidden:
            window = search_window(container.settings)
            found = await engine.match_and_notify(session, vision, item, analysis, window)
        _finish(session, container, item, "done", None, len(found))
        if needs_redaction(item):
            enqueue_redaction(session, item.id)
        await session.delete(job)
        await session.commit()
    log.info("report_analysed", item_id=str(item.id), new_matches=len(found))
    return "done"


async def _superseded(session: UnitOfWork, job: outbox.OutboxJob) -> str:
    """The report's photos changed while they were analysed: the change queued a job of its
    own, which analyses the photos the report has now; this one's result is dropped."""
    await session.delete(job)
    await session.commit()
    return "skipped"


async def _analyse(container: VisionServices, item: Item) -> ReportAnalysis:
    photos = []
    for key in view_keys(item):
        try:
            photos.append(await container.storage.get(key))
        except StorageError:
            if await container.storage.exists(key):
                raise  # storage trouble, not a missing photo: retried
            raise AnalysisFailed("photo_missing") from None
    try:
        analyses = await asyncio.to_thread(
            functools.partial(
                analyse_reports,
                container.vision,
                [photos],
                [item],
                read_text=container.settings.vision_read_text,
            )
        )
    except OSError as exc:  # PIL: not an image it can decode
        raise AnalysisFailed("photo_unreadable") from exc
    return analyses[0]


def _finish(
    session: UnitOfWork,
    container: VisionServices,
    item: Item,
    status: str,
    reason: str | None,
    new_matches: int,
) -> None:
    """Set the final state; once committed, the owner's sockets and any request waiting for
    this report (POST /lost|found) hear of it."""
    item.analysis_status = status
    item.analysis_error = reason
    item.analysed_at = datetime.now(UTC)
    owner_id, item_id = item.user_id, item.id
    event = events.item_analysed(item_id, status, reason, new_matches)

    async def announce() -> None:
        await container.bus.publish_analysed(owner_id, item_id, event)

    session.after_commit(announce)
