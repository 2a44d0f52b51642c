"""The matching engine: from a newly stored report to scored, stored matches.

Flow: candidates from pgvector (image and text neighbours, filtered) -> same-instance
re-ranking of their photos by the vision pipeline (in a worker thread) -> the match score ->
one Match row per pair, counted on both items.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mafqood.items.models import Item
from mafqood.matching import scoring
from mafqood.matching.models import Match
from mafqood.matching.search import CandidateRow, Query, SearchWindow, load_candidates, nearest_ids
from mafqood.vision.pipeline import RERANK_TOP_K, Candidate, ImageAnalysis, VisionPipeline

# How many neighbours by text and by photo go to the (costlier) same-instance check.
TEXT_K = 10
IMAGE_K = RERANK_TOP_K - TEXT_K


@dataclass(frozen=True)
class NewMatch:
    match: Match
    other: Item


def _side(item: Item | CandidateRow) -> scoring.Side:
    latitude = float(item.latitude) if item.latitude is not None else None
    longitude = float(item.longitude) if item.longitude is not None else None
    return scoring.Side(item.category, item.color, latitude, longitude, item.date_time)


async def find_matches(
    session: AsyncSession,
    vision: VisionPipeline,
    item: Item,
    analysis: ImageAnalysis,
    text_vector: Any,
    window: SearchWindow,
) -> list[NewMatch]:
    """Search, verify, score and store the matches of a report that was just flushed."""
    query = Query(
        item_id=item.id,
        user_id=item.user_id,
        type=item.type,
        category=item.category,
        date_time=item.date_time,
        latitude=float(item.latitude) if item.latitude is not None else None,
        longitude=float(item.longitude) if item.longitude is not None else None,
        image_vector=analysis.image_vector,
        text_vector=text_vector,
    )
    ids = await nearest_ids(session, query, window, image_k=IMAGE_K, text_k=TEXT_K)
    rows = {row.id: row for row in await load_candidates(session, ids, text_vector)}
    if not rows:
        return []
    ranked = await asyncio.to_thread(
        vision.rerank,
        analysis,
        [Candidate(row.id, row.image_vector, row.local_features) for row in rows.values()],
    )
    created: list[NewMatch] = []
    for candidate_id, visual, details in ranked:
        row = rows[candidate_id]
        lost, found = (item, row) if item.type == "lost" else (row, item)
        similarity, confidence, features = scoring.score(
            _side(lost), _side(found), visual, row.text_cosine
        )
        if not scoring.worth_showing(similarity, visual, scoring.text_score(row.text_cosine)):
            continue
        features["verification"] = details
        match = await _store(session, lost.id, found.id, similarity, confidence, features)
        if match is not None:
            other = await session.get(Item, candidate_id)
            assert other is not None
            created.append(NewMatch(match, other))
    await _count(session, item, [new.other.id for new in created])
    for new in created:
        await session.refresh(new.other)
    return created


async def _count(session: AsyncSession, item: Item, others: list[uuid.UUID]) -> None:
    """match_count += 1 on both sides of each new pair. The other rows are locked in id
    order: two reports matched at the same moment against the same items would otherwise
    lock them in opposite orders and deadlock."""
    if not others:
        return
    await session.execute(
        select(Item.id).where(Item.id.in_(others)).order_by(Item.id).with_for_update()
    )
    await session.execute(
        update(Item).where(Item.id.in_(others)).values(match_count=Item.match_count + 1)
    )
    await session.execute(
        update(Item).where(Item.id == item.id).values(match_count=Item.match_count + len(others))
    )


async def _store(
    session: AsyncSession,
    lost_id: uuid.UUID,
    found_id: uuid.UUID,
    similarity: float,
    confidence: str,
    features: dict[str, Any],
) -> Match | None:
    """Insert the pair once; a pair that already exists (found from the other side, or a
    reindex) is left as it is."""
    inserted = await session.execute(
        insert(Match)
        .values(
            user_item_id=lost_id,
            matched_item_id=found_id,
            similarity_score=similarity,
            confidence=confidence,
            matching_features=features,
        )
        .on_conflict_do_nothing()
        .returning(Match.id)
    )
    match_id = inserted.scalar_one_or_none()
    if match_id is None:
        return None
    return await session.get(Match, match_id)
