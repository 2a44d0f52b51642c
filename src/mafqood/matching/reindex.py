"""Recompute every item's vectors and features after a model change.

Resumable by construction: an item is done when its stored model names and its local
features' format are the current ones, so an interrupted run picks up where it stopped. Each
batch commits on its own.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.statuses import ItemStatus
from mafqood.matching import engine
from mafqood.matching.analysis import ReportAnalysis, analyse_reports, save, view_keys
from mafqood.matching.search import SearchWindow
from mafqood.storage import Storage, StorageError
from mafqood.vision import VisionPipeline
from mafqood.vision.local_features import FORMAT_VERSION, VERSION_OFFSET, upgrade

log = structlog.get_logger(__name__)
Progress = Callable[[int, int, float], None]


@dataclass
class ReindexStats:
    done: int = 0
    missing_photo: int = 0
    matches_created: int = 0
    remaining: int = 0


def _stale(vision: VisionPipeline) -> ColumnElement[bool]:
    """Analysed by other models or an older feature format. Reports still pending are the
    vision workers' to analyse."""
    return and_(
        Item.analysis_status == "done",
        or_(
            # A report without a photo has no image model to be stale by.
            and_(
                Item.image_key.is_not(None), Item.image_model.is_distinct_from(vision.image_model)
            ),
            Item.text_model.is_distinct_from(vision.text_model),
            func.get_byte(Item.local_features, VERSION_OFFSET) < FORMAT_VERSION,
        ),
    )


async def count_stale(session: UnitOfWork, vision: VisionPipeline) -> int:
    return int(await session.scalar(select(func.count()).where(_stale(vision))) or 0)


async def _mark_photo_missing(session: UnitOfWork, vision: VisionPipeline, item: Item) -> None:
    log.warning("reindex_photo_missing", item_id=str(item.id))
    # Marked as processed by this model so the run does not stop on it forever; its
    # features keep verifying, without what a newer format adds.
    item.image_model, item.text_model = vision.image_model, vision.text_model
    await session.refresh(item, ["local_features"])  # deferred: not loaded with the row
    item.local_features = upgrade(item.local_features)


async def _store(
    session: UnitOfWork,
    vision: VisionPipeline,
    item: Item,
    analysis: ReportAnalysis,
    window: SearchWindow | None,
) -> int:
    """Save one item's new vectors; with a window, look for its matches. -> matches created."""
    await save(session, item, analysis, vision)
    if window is None or item.status != ItemStatus.OPEN:
        return 0
    return len(await engine.match_and_notify(session, vision, item, analysis, window))


async def reindex(
    sessions: async_sessionmaker[UnitOfWork],
    storage: Storage,
    vision: VisionPipeline,
    *,
    batch_size: int = 16,
    limit: int | None = None,
    rematch_window: SearchWindow | None = None,
    progress: Progress | None = None,
) -> ReindexStats:
    """Bring stale items to the current models; with rematch_window, look for new matches
    of each open item with its new vectors."""
    stats = ReindexStats()
    async with sessions() as session:
        total = await count_stale(session, vision)
    if limit is not None:
        total = min(total, limit)
    started = time.perf_counter()
    while stats.done + stats.missing_photo < total:
        async with sessions() as session:
            wanted = min(batch_size, total - stats.done - stats.missing_photo)
            rows = await session.execute(
                select(Item)
                .where(_stale(vision))
                .order_by(Item.id)
                .limit(wanted)
                .with_for_update(skip_locked=True)
            )
            items = list(rows.scalars())
            if not items:
                break
            present, photos = [], []
            for item in items:
                try:
                    photos.append([await storage.get(key) for key in view_keys(item)])
                    present.append(item)
                except StorageError:
                    await _mark_photo_missing(session, vision, item)
                    stats.missing_photo += 1
            if present:
                # What documents say does not change with the models: kept as read.
                analyses = await asyncio.to_thread(
                    functools.partial(
                        analyse_reports, vision, photos, present, read_documents=False
                    )
                )
                for item, analysis in zip(present, analyses, strict=True):
                    stats.matches_created += await _store(
                        session, vision, item, analysis, rematch_window
                    )
                    stats.done += 1
            await session.commit()
        if progress is not None:
            progress(stats.done + stats.missing_photo, total, time.perf_counter() - started)
    async with sessions() as session:
        stats.remaining = await count_stale(session, vision)
    return stats


def print_progress(done: int, total: int, elapsed: float) -> None:
    """A one-line progress bar on stderr."""
    width = 30
    filled = int(width * done / total) if total else width
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate > 0 else 0.0
    bar = "#" * filled + "-" * (width - filled)
    sys.stderr.write(f"\r[{bar}] {done}/{total} items, {rate:.1f}/s, {left:.0f}s left ")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
