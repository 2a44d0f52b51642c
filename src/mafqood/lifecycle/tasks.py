"""Background work of a found item's life."""

from __future__ import annotations

from mafqood.lifecycle import retention
from mafqood.worker.app import RETENTION_NOTICES
from mafqood.worker.background import task
from mafqood.worker.runtime import WorkerRuntime


@task(RETENTION_NOTICES)
async def retention_notices(worker: WorkerRuntime) -> int:
    """Daily: tell venue members about items newly past their holding period."""
    return await retention.send_due_notices(worker.container)
