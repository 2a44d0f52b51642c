"""Background work of the matching engine."""

from __future__ import annotations

import os
import uuid
from typing import Any

import structlog
from celery.signals import worker_process_init

from mafqood.matching import processing, queue
from mafqood.matching.models_loader import search_window
from mafqood.matching.reindex import reindex
from mafqood.worker import runtime
from mafqood.worker.app import ANALYSE_REPORT, REINDEX, SWEEP_UNANALYSED
from mafqood.worker.background import task
from mafqood.worker.runtime import WorkerRuntime

log = structlog.get_logger(__name__)
# Set by `mafqood worker --queues vision`: its pool processes load the models as they start,
# so that the first report after a start is not the one that waits for them.
VISION_WORKER_ENV = "MAFQOOD_VISION_WORKER"


def _load_models(**_: Any) -> None:
    if os.environ.get(VISION_WORKER_ENV):
        # Loaded in each pool process, never before the fork: model runtimes keep threads.
        runtime.current().container.vision.embed_text("warm up")


worker_process_init.connect(_load_models, weak=False)


@task(ANALYSE_REPORT, retried=True)
async def analyse_report(worker: WorkerRuntime, job_id: str) -> str:
    """Analyse a stored report's photo and look for its matches (vision queue)."""
    return await processing.analyse_report(worker.container, uuid.UUID(job_id))


@task(SWEEP_UNANALYSED)
async def sweep_unanalysed(worker: WorkerRuntime) -> int:
    return await queue.sweep_unanalysed(worker.container.sessionmaker)


@task(REINDEX)
async def reindex_items(worker: WorkerRuntime, batch_size: int = 16, rematch: bool = False) -> int:
    """Recompute stale items' vectors (after a model change); safe to run twice at once:
    batches lock their rows and skip rows another run holds."""
    container = worker.container
    stats = await reindex(
        container.sessionmaker,
        container.storage,
        container.vision,
        batch_size=batch_size,
        rematch_window=search_window(container.settings) if rematch else None,
    )
    log.info(
        "reindex_finished",
        done=stats.done,
        missing=stats.missing_photo,
        matches=stats.matches_created,
    )
    return stats.done
