"""Recompute every item's vectors and features after a model change.

Resumable by construction: an item is done when its stored model names and its local
features' format are the current ones, so an interrupted run picks up where it stopped. Each
batch commits on its own.
"""

from __future__ import annotations

import asyncio
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import structlog
from PIL import Image
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mafqood.items.models import Item
from mafqood.matching import engine, notices
from mafqood.matching.search import SearchWindow
from mafqood.storage import Storage, StorageError
from mafqood.vision import ImageAnalysis, VisionPipeline
from mafqood.vision.local_features import FORMAT_VERSION, VERSION_OFFSET, upgrade
from mafqood.vision.text import item_text

log = structlog.get_logger(__name__)
Progress = Callable[[int, int, float], None]


@dataclass
class ReindexStats:
    done: int = 0
    missing_photo: int = 0
    matches_created: int = 0
    remaining: int = 0


def _stale(vision: VisionPipeline) -> ColumnElement[bool]:
    return or_(
        Item.image_model.is_distinct_from(vision.image_model),
        Item.text_model.is_distinct_from(vision.text_model),
        Item.ai_processed.is_(False),
        func.get_byte(Item.local_features, VERSION_OFFSET) < FORMAT_VERSION,
    )


async def count_stale(session: AsyncSession, vision: VisionPipeline) -> int:
    return int(await session.scalar(select(func.count()).where(_stale(vision))) or 0)


def _understand(
    vision: VisionPipeline, photos: list[bytes], items: list[Item]
) -> tuple[list[ImageAnalysis], np.ndarray[Any, Any]]:
    """One batch's analyses (the image model batched, which a GPU is fast at) and texts."""
    images = []
    for photo in photos:
        with Image.open(io.BytesIO(photo)) as opened:
            images.append(opened.convert("RGB"))
    texts = [item_text(item.title, item.description, item.brand, item.color) for item in items]
    return vision.analyse_many(images), vision.embed_texts(texts)


async def _mark_photo_missing(session: AsyncSession, vision: VisionPipeline, item: Item) -> None:
    log.warning("reindex_photo_missing", item_id=str(item.id))
    # Marked as processed by this model so the run does not stop on it forever; its
    # features keep verifying, without what a newer format adds.
    item.image_model, item.text_model = vision.image_model, vision.text_model
    await session.refresh(item, ["local_features"])  # deferred: not loaded with the row
    item.local_features = upgrade(item.local_features)


async def _store(
    session: AsyncSession,
    vision: VisionPipeline,
    item: Item,
    analysis: ImageAnalysis,
    text_vector: np.ndarray[Any, Any],
    window: SearchWindow | None,
) -> int:
    """Save one item's new vectors; with a window, look for its matches. -> matches created."""
    item.image_embedding = analysis.image_vector
    item.image_model = analysis.image_model
    item.local_features = analysis.local_features
    item.detected_objects = analysis.detected_objects
    item.ai_category = analysis.suggested_category
    item.text_embedding = text_vector
    item.text_model = vision.text_model
    item.ai_processed = True
    await session.flush()
    created = 0
    if window is not None and item.status == "open":
        found = await engine.find_matches(session, vision, item, analysis, text_vector, window)
        for new in found:
            lost, found_item = (item, new.other) if item.type == "lost" else (new.other, item)
            await notices.new_match(session, new.match, lost, found_item)
        created = len(found)
    return created


async def reindex(
    sessions: async_sessionmaker[AsyncSession],
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
                    photos.append(await storage.get(f"{item.image_key}.jpg"))
                    present.append(item)
                except StorageError:
                    await _mark_photo_missing(session, vision, item)
                    stats.missing_photo += 1
            if present:
                analyses, texts = await asyncio.to_thread(_understand, vision, photos, present)
                for item, analysis, text_vector in zip(present, analyses, texts, strict=True):
                    stats.matches_created += await _store(
                        session, vision, item, analysis, text_vector, rematch_window
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
