"""Matching when the lost report has no photo: by what is known.

People rarely have a photo of what they lost. Such a report has a text vector only (title,
description, brand and colour, multilingual), so its candidates come from the text search and
from the found reports of its category closest in time; each pair is then scored by
scoring.score_described: the two texts, the lost text against what the found report's photo
shows (the names of the objects seen in it, its named colours), category (as given or as the
photo showed it), brand, colour, place and time. The score says so
(`matching_features.scored_by: "description"`) and never gives "high", which needs photos.

Both directions use it: a new photo-less lost report looks for found reports here, and a new
found report scores the photo-less lost reports among its candidates here (engine.py).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import select

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle import matches
from mafqood.matching import scoring
from mafqood.matching.analysis import ReportAnalysis
from mafqood.matching.search import Query, SearchWindow, category_neighbours, nearest_ids
from mafqood.vision.colour_names import photo_colours
from mafqood.vision.local_features import FeatureFormatError, deserialise
from mafqood.vision.pipeline import VisionPipeline
from mafqood.vision.text import item_text

# The text neighbours and the same-category reports that a photo-less report is scored with.
TEXT_K = 60
CATEGORY_K = 40
# Objects the photo's model named with at least this probability count as what it shows.
LABEL_MIN = 0.05
MAX_LABELS = 3


@dataclass(frozen=True)
class Facts:
    """One report as scoring sees it, with its text vector (None: not analysed yet)."""

    id: uuid.UUID
    described: scoring.Described
    text_vector: np.ndarray[Any, Any] | None


def labels_of(detected: Sequence[dict[str, Any]] | None) -> tuple[str, ...]:
    """The names of the objects a photo shows, most likely first."""
    names = [
        str(entry["class"])
        for entry in detected or []
        if entry.get("class")
        and float(entry.get("confidence") or 0.0) >= LABEL_MIN
        # A class without a name (categories.imagenet_label) says nothing in words.
        and not str(entry["class"]).startswith("imagenet-")
    ]
    return tuple(dict.fromkeys(names))[:MAX_LABELS]


def _colours_of(local_features: bytes | None) -> tuple[str, ...]:
    if not local_features:
        return ()
    try:
        return tuple(photo_colours(deserialise(local_features).colour_hist))
    except FeatureFormatError:
        return ()


def facts_of(
    item: Item | Any,
    text_vector: np.ndarray[Any, Any] | None,
    local_features: bytes | None = None,
) -> Facts:
    """Facts of an items row (or a row with its columns)."""
    return Facts(
        item.id,
        scoring.Described(
            side=scoring.Side.of(item),
            brand=item.brand,
            words=item_text(item.title, item.description, item.brand, item.color),
            ai_category=item.ai_category,
            photo_labels=labels_of(item.detected_objects),
            photo_colours=_colours_of(local_features),
        ),
        text_vector,
    )


async def load_facts(session: UnitOfWork, ids: Sequence[uuid.UUID]) -> list[Facts]:
    if not ids:
        return []
    rows = await session.execute(
        select(
            Item.id,
            Item.category,
            Item.ai_category,
            Item.color,
            Item.brand,
            Item.title,
            Item.description,
            Item.latitude,
            Item.longitude,
            Item.date_time,
            Item.detected_objects,
            Item.local_features,
            Item.text_embedding,
        ).where(Item.id.in_(ids))
    )
    by_id = {
        row.id: facts_of(
            row,
            np.asarray(row.text_embedding, np.float32) if row.text_embedding is not None else None,
            row.local_features,
        )
        for row in rows
    }
    return [by_id[item_id] for item_id in ids if item_id in by_id]


def _cosine(a: np.ndarray[Any, Any] | None, b: np.ndarray[Any, Any] | None) -> float | None:
    if a is None or b is None or not a.any() or not b.any():
        return None
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


class LabelVectors:
    """Text vectors of the object names a photo model gives (a closed list of about a
    thousand): each is embedded once per process."""

    def __init__(self) -> None:
        self._vectors: dict[str, np.ndarray[Any, Any]] = {}
        self._lock = threading.Lock()

    def of(self, vision: VisionPipeline, labels: Sequence[str]) -> list[np.ndarray[Any, Any]]:
        missing = [label for label in dict.fromkeys(labels) if label not in self._vectors]
        if missing:
            vectors = vision.embed_texts(missing)
            with self._lock:
                self._vectors.update(zip(missing, vectors, strict=True))
        return [self._vectors[label] for label in labels]


LABELS = LabelVectors()


def _photo_cosine(vision: VisionPipeline, lost: Facts, found: Facts) -> float | None:
    """How well the lost report's words name what the found report's photo shows: the best
    of its object names."""
    labels = found.described.photo_labels
    if not labels or lost.text_vector is None:
        return None
    cosines = [_cosine(lost.text_vector, vector) for vector in LABELS.of(vision, list(labels))]
    return max((cosine for cosine in cosines if cosine is not None), default=None)


def score_pairs(
    vision: VisionPipeline, pairs: Sequence[tuple[Facts, Facts]]
) -> list[matches.Proposal]:
    """Score (lost, found) pairs, the lost report having no photo; the ones worth showing,
    best first. "medium" stays only with a best pair that leads the next by
    scoring.DESCRIBED_MARGIN: words that fit several reports equally single none of them
    out. CPU-bound (text vectors of new object names): run it in a thread."""
    proposals = []
    for lost, found in pairs:
        similarity, confidence, features = scoring.score_described(
            lost.described,
            found.described,
            _cosine(lost.text_vector, found.text_vector),
            _photo_cosine(vision, lost, found),
        )
        if scoring.described_worth_showing(similarity, features):
            proposals.append(matches.Proposal(lost.id, found.id, similarity, confidence, features))
    proposals.sort(key=lambda proposal: proposal.similarity, reverse=True)
    for index, proposal in enumerate(proposals):
        runner_up = proposals[1].similarity if len(proposals) > 1 else 0.0
        unique = index == 0 and proposal.similarity - runner_up >= scoring.DESCRIBED_MARGIN
        if proposal.confidence == "medium" and not unique:
            proposals[index] = replace(proposal, confidence="low")
    return proposals


async def find_for_lost(
    session: UnitOfWork,
    vision: VisionPipeline,
    item: Item,
    analysis: ReportAnalysis,
    window: SearchWindow,
) -> list[matches.Proposal]:
    """The found reports that a lost report without a photo may be, best first."""
    query = Query.of_item(item, analysis.text_vector)
    ids = await nearest_ids(session, query, window, image_k=0, text_k=TEXT_K)
    ids += [
        found_id
        for found_id in await category_neighbours(session, query, window, CATEGORY_K)
        if found_id not in ids
    ]
    found = await load_facts(session, ids)
    lost = facts_of(item, analysis.text_vector)
    return await asyncio.to_thread(score_pairs, vision, [(lost, other) for other in found])


async def score_for_found(
    session: UnitOfWork,
    vision: VisionPipeline,
    item: Item,
    analysis: ReportAnalysis,
    lost_ids: Sequence[uuid.UUID],
) -> list[matches.Proposal]:
    """A new found report (with its photo's analysis) against photo-less lost reports."""
    image = analysis.image
    found = Facts(
        item.id,
        scoring.Described(
            side=scoring.Side.of(item),
            brand=item.brand,
            words=item_text(item.title, item.description, item.brand, item.color),
            ai_category=image.suggested_category if image is not None else item.ai_category,
            photo_labels=labels_of(image.detected_objects if image is not None else None),
            photo_colours=(
                tuple(photo_colours(image.features.colour_hist)) if image is not None else ()
            ),
        ),
        analysis.text_vector,
    )
    lost = await load_facts(session, lost_ids)
    return await asyncio.to_thread(score_pairs, vision, [(other, found) for other in lost])
