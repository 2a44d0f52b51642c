"""The matching engine: from a newly stored report to scored, stored matches.

Flow: candidates from pgvector (image and text neighbours, filtered) -> same-instance
re-ranking of their photos by the vision pipeline (in a thread) -> the match score -> the
best pairs proposed to lifecycle.matches, which stores each pair once whichever side finds it
and tells both owners.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, TypeVar

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.documents import facts as document_facts
from mafqood.items.models import Item
from mafqood.items.vocabulary import DOCUMENT_CATEGORIES
from mafqood.lifecycle import matches
from mafqood.lifecycle.models import Match
from mafqood.matching import calibration, described, scoring
from mafqood.matching import documents as by_document
from mafqood.matching.analysis import ReportAnalysis
from mafqood.matching.calibration import CALIBRATION
from mafqood.matching.search import (
    CandidateRow,
    Query,
    SearchWindow,
    load_candidates,
    nearest_ids,
    photo_less_neighbours,
)
from mafqood.vision.pipeline import RERANK_TOP_K, Candidate, VisionPipeline

# How many neighbours by text and by photo go to the (costlier) same-instance check.
TEXT_K = 10
IMAGE_K = RERANK_TOP_K - TEXT_K
# At most this many matches are stored (and told) per analysis of a report.
MAX_NEW_MATCHES = 10
# A found report's neighbours among the lost reports without a photo (by text, by category).
PHOTO_LESS_K = 20


Other = TypeVar("Other", Item, CandidateRow)


def lost_and_found(item: Item, other: Other) -> tuple[Item | Other, Item | Other]:
    """The pair as (lost report, found report), whichever of the two `item` is."""
    return (item, other) if item.type == "lost" else (other, item)


async def match_and_notify(
    session: UnitOfWork,
    vision: VisionPipeline,
    item: Item,
    analysis: ReportAnalysis,
    window: SearchWindow,
) -> list[Match]:
    """Search, verify and score the matches of an analysed report, and propose them: each new
    pair is stored and told to both owners; a pair that exists already is neither. A pending
    venue's item is matched with nothing until the venue is verified."""
    if item.venue_verified is False:
        return []
    if analysis.image is None:
        # A lost report described in words only.
        proposals = (await described.find_for_lost(session, vision, item, analysis, window))[
            :MAX_NEW_MATCHES
        ]
    else:
        proposals = await find_matches(session, vision, item, analysis, window)
    created = await matches.propose(session, item, proposals)
    await by_document.tell_owners(session, item)
    return created


async def candidates(
    session: UnitOfWork, item: Item, analysis: ReportAnalysis, window: SearchWindow
) -> dict[uuid.UUID, CandidateRow]:
    """The first stage: the reports that verification will see, by id."""
    assert analysis.image is not None, "a report without a photo is matched by its text"
    query = Query.of_item(
        item,
        analysis.text_vector,
        image_vector=analysis.image.image_vector,
        other_vectors=tuple(view.image_vector for view in analysis.all_views[1:]),
        object_vectors=tuple(
            vector for view in analysis.all_views for vector in view.object_vectors
        ),
    )
    ids = await nearest_ids(session, query, window, image_k=IMAGE_K, text_k=TEXT_K)
    if item.type == "found":
        ids += [
            lost_id
            for lost_id in await photo_less_neighbours(session, query, window, PHOTO_LESS_K)
            if lost_id not in ids
        ]
    own = (await by_document.facts_of(session, [item.id])).get(item.id)
    if own is not None:
        # What a document says finds it among any number of look-alikes.
        more = await by_document.candidate_ids(session, query, own, window)
        ids.extend(item_id for item_id in more if item_id not in ids)
    return {row.id: row for row in await load_candidates(session, ids, analysis.text_vector)}


async def find_matches(
    session: UnitOfWork,
    vision: VisionPipeline,
    item: Item,
    analysis: ReportAnalysis,
    window: SearchWindow,
) -> list[matches.Proposal]:
    rows = await candidates(session, item, analysis, window)
    # Lost reports without a photo have nothing to compare photos with: scored by their
    # description against this report and what its photo shows.
    photo_less = [row_id for row_id, row in rows.items() if row.image_vector is None]
    scored: list[matches.Proposal] = []
    facts = await by_document.facts_of(session, [item.id, *rows])
    if photo_less:
        described_pairs = await described.score_for_found(
            session, vision, item, analysis, photo_less
        )
        scored = _by_document(described_pairs, facts, item, rows)
    rows = {row_id: row for row_id, row in rows.items() if row.image_vector is not None}
    if not rows:
        scored.sort(key=lambda proposal: proposal.similarity, reverse=True)
        return scored[:MAX_NEW_MATCHES]
    ranked = await asyncio.to_thread(best_views, vision, analysis, list(rows.values()))
    seen = [
        (visual, float(details.get("global_cosine") or 0.0)) for visual, details in ranked.values()
    ]
    for index, (candidate_id, (visual, details)) in enumerate(ranked.items()):
        row = rows[candidate_id]
        lost, found = lost_and_found(item, row)
        evidence = calibration.evidence(visual, details, seen[:index] + seen[index + 1 :])
        similarity, confidence, features = scoring.score(
            scoring.Side.of(lost),
            scoring.Side.of(found),
            visual,
            row.text_cosine,
            CALIBRATION.probability(evidence),
            certain=CALIBRATION.is_high(evidence),
        )
        document = _document_evidence(facts, lost.id, found.id)
        if document == "conflict":
            continue  # a different number on each side: not the same document
        if document is not None or {item.category, row.category} & set(DOCUMENT_CATEGORIES):
            similarity, confidence = scoring.for_document(similarity, confidence, document)
            features["document_evidence"] = document
        worth = scoring.worth_showing(similarity, visual, scoring.text_score(row.text_cosine))
        if document is not None or worth:
            details["visual_margin"] = round(evidence["visual_margin"], 4)
            details["cosine_margin"] = round(evidence["cosine_margin"], 4)
            features["verification"] = details
            scored.append(matches.Proposal(lost.id, found.id, similarity, confidence, features))
    # The best few only: in a crowded venue dozens of look-alikes pass the bar, and an owner
    # told of fifty "low" matches is told nothing (storing and telling them was also most
    # of a report's matching time).
    scored.sort(key=lambda proposal: proposal.similarity, reverse=True)
    return scored[:MAX_NEW_MATCHES]


def _by_document(
    proposals: list[matches.Proposal],
    facts: dict[uuid.UUID, document_facts.Facts],
    item: Item,
    rows: dict[uuid.UUID, CandidateRow],
) -> list[matches.Proposal]:
    """Pairs scored by their words (a lost report without a photo), scored again by what
    their documents say, as pairs with photos are."""
    kept = []
    for proposal in proposals:
        document = _document_evidence(facts, proposal.lost_id, proposal.found_id)
        other = rows[proposal.lost_id if item.type == "found" else proposal.found_id]
        if document == "conflict":
            continue
        if document is not None or {item.category, other.category} & set(DOCUMENT_CATEGORIES):
            similarity, confidence = scoring.for_document(
                proposal.similarity, proposal.confidence, document
            )
            features = {**proposal.features, "document_evidence": document}
            proposal = matches.Proposal(
                proposal.lost_id, proposal.found_id, similarity, confidence, features
            )
        kept.append(proposal)
    return kept


def _document_evidence(
    facts: dict[uuid.UUID, document_facts.Facts], lost_id: uuid.UUID, found_id: uuid.UUID
) -> document_facts.Evidence | None:
    lost, found = facts.get(lost_id), facts.get(found_id)
    if lost is None or found is None:
        return None
    return document_facts.compare(lost, found)


def best_views(
    vision: VisionPipeline, analysis: ReportAnalysis, rows: list[CandidateRow]
) -> dict[uuid.UUID, tuple[float, dict[str, Any]]]:
    """Each candidate's best pair of views (the query's photos against the candidate's), with
    what that pair showed and how many pairs were verified. Candidates are compared a
    position at a time (all main photos together, then all second photos...), so that the
    background penalty among them never counts two views of one report as two reports.
    CPU-bound: run in a thread."""
    layers: dict[int, list[Candidate[uuid.UUID]]] = {
        0: [Candidate(row.id, row.image_vector, row.local_features) for row in rows]
    }
    for row in rows:
        for position, (vector, features) in row.other_views.items():
            layers.setdefault(position, []).append(Candidate(row.id, vector, features))
    best: dict[uuid.UUID, tuple[float, dict[str, Any]]] = {}
    verified: dict[uuid.UUID, int] = {}
    for query_view, view in enumerate(analysis.all_views):
        for position, candidates in sorted(layers.items()):
            for candidate_id, visual, details in vision.rerank(view, candidates):
                verified[candidate_id] = verified.get(candidate_id, 0) + bool(
                    details.get("verified")
                )
                if candidate_id not in best or visual > best[candidate_id][0]:
                    shown = {**details, "query_view": query_view, "matched_view": position}
                    best[candidate_id] = (visual, shown)
    views_of = {row.id: 1 + len(row.other_views) for row in rows}
    for candidate_id, (_, details) in best.items():
        details["view_pairs"] = len(analysis.all_views) * views_of[candidate_id]
        details["view_pairs_verified"] = verified.get(candidate_id, 0)
    return dict(sorted(best.items(), key=lambda entry: entry[1][0], reverse=True))
