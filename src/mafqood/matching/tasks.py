"""Background work of the matching engine."""

from __future__ import annotations

import os
import uuid
from typing import Any, cast

import structlog
from celery.signals import worker_process_init

from mafqood.matching import processing, redaction
from mafqood.matching.models_loader import search_window
from mafqood.matching.ports import VisionServices
from mafqood.matching.reindex import reindex
from mafqood.worker import runtime
from mafqood.worker.app import ANALYSE_REPORT, REDACT_PHOTOS, REINDEX
from mafqood.worker.background import task

log = structlog.get_logger(__name__)
# Set by `mafqood worker --queues vision`: its pool processes load the models as they start,
# so that the first report after a start is not the one that waits for them.
VISION_WORKER_ENV = "MAFQOOD_VISION_WORKER"


def _load_models(**_: Any) -> None:
    if os.environ.get(VISION_WORKER_ENV):
        # Loaded in each pool process, never before the fork: model runtimes keep threads.
        services = cast(VisionServices, runtime.current().shared)
        services.vision.embed_text("warm up")


worker_process_init.connect(_load_models, weak=False)


@task(ANALYSE_REPORT, retried=True)
async def analyse_report(services: VisionServices, job_id: str) -> str:
    """Analyse a stored report's photo and look for its matches (vision queue)."""
    return await processing.analyse_report(services, uuid.UUID(job_id))


@task(REDACT_PHOTOS, retried=True)
async def redact_photos(services: VisionServices, job_id: str) -> str:
    """Mask a report's photos of documents (vision queue)."""
    return await redaction.redact_report(services, uuid.UUID(job_id))


@task(REINDEX)
async def reindex_items(
    services: VisionServices, batch_size: int = 16, rematch: bool = False
) -> int:
    """Recompute stale items' vectors (after a model change); safe to run twice at once:
    batches lock their rows and skip rows another run holds."""
    stats = await reindex(
        services.sessionmaker,
        services.storage,
        services.vision,
        batch_size=batch_size,
        rematch_window=search_window(services.settings) if rematch else None,
    )
    log.info(
        "reindex_finished",
        done=stats.done,
        missing=stats.missing_photo,
        matches=stats.matches_created,
    )
    return stats.done
