"""Background work of the matching engine."""

from __future__ import annotations

import structlog

from mafqood.matching.models_loader import search_window
from mafqood.matching.reindex import reindex
from mafqood.worker import runtime
from mafqood.worker.tasks import task

log = structlog.get_logger(__name__)
REINDEX = "mafqood.reindex"


@task(REINDEX)
def reindex_items(batch_size: int = 16, rematch: bool = False) -> int:
    """Recompute stale items' vectors (after a model change); safe to run twice at once:
    batches lock their rows and skip rows another run holds."""
    worker = runtime.current()
    container = worker.container
    stats = worker.run(
        reindex(
            container.sessionmaker,
            container.storage,
            container.vision,
            batch_size=batch_size,
            rematch_window=search_window(container.settings) if rematch else None,
        )
    )
    log.info(
        "reindex_finished",
        done=stats.done,
        missing=stats.missing_photo,
        matches=stats.matches_created,
    )
    return stats.done
