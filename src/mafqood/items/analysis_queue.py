"""Queueing a report's analysis for the vision workers: the report's analysis state and its
outbox job, all that the API processes and the housekeeping jobs need, without loading any
model (the analysis itself is matching's, in the vision workers)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import String, cast, func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.worker import outbox
from mafqood.worker.app import ANALYSE_REPORT

log = structlog.get_logger(__name__)

# Reports left pending this long without a job (none was recorded, or it was given up on)
# get a new one from the sweep.
SWEEP_AFTER = timedelta(minutes=10)


def enqueue_analysis(session: UnitOfWork, item_id: uuid.UUID) -> outbox.OutboxJob:
    """Record the report's analysis job in the caller's transaction; sent after commit."""
    return outbox.enqueue(session, ANALYSE_REPORT, {"item_id": str(item_id)})


async def mark_given_up(session: UnitOfWork, payload: dict[str, Any]) -> None:
    """The outbox stopped retrying this report's analysis (the payload of its job): say so
    rather than wait forever."""
    item = await session.get(Item, uuid.UUID(payload["item_id"]))
    if item is not None and item.analysis_status == "pending":
        item.analysis_status = "failed"
        item.analysis_error = "analysis_gave_up"
        item.analysed_at = datetime.now(UTC)


async def sweep_unanalysed(
    units_of_work: async_sessionmaker[UnitOfWork], older_than: timedelta = SWEEP_AFTER
) -> int:
    """A new job for every report pending for a while without one. Returns how many."""
    async with units_of_work() as session:
        has_job = (
            select(outbox.OutboxJob.id)
            .where(
                outbox.OutboxJob.task == ANALYSE_REPORT,
                outbox.OutboxJob.payload["item_id"].astext == cast(Item.id, String),
            )
            .exists()
        )
        rows = await session.scalars(
            select(Item.id)
            .where(
                Item.analysis_status == "pending",
                Item.created_at < func.now() - older_than,
                ~has_job,
            )
            .limit(1000)
        )
        item_ids = list(rows)
        for item_id in item_ids:
            enqueue_analysis(session, item_id)
        await session.commit()
    if item_ids:
        log.warning("unanalysed_reports_requeued", count=len(item_ids))
    return len(item_ids)
