"""Scoring pairs whose lost report has no photo, with the real text model: "medium" singles
one found report out, and a photo showing what the words name helps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from mafqood.matching.described import Facts, score_pairs
from mafqood.matching.scoring import Described, Side
from mafqood.vision import VisionPipeline

WHEN = datetime(2026, 1, 3, 14, 0, tzinfo=UTC)


def _facts(pipeline: VisionPipeline, words: str, labels: tuple[str, ...] = ()) -> Facts:
    side = Side("wallet", "black", 25.1972, 55.2744, WHEN)
    described = Described(
        side=side, brand=None, words=words, ai_category="wallet", photo_labels=labels
    )
    return Facts(uuid.uuid4(), described, pipeline.embed_text(words))


def test_medium_only_for_a_report_the_words_single_out(pipeline: VisionPipeline) -> None:
    lost = _facts(pipeline, "I lost my black leather wallet with my cards")
    alone = _facts(pipeline, "Black leather wallet")
    [only] = score_pairs(pipeline, [(lost, alone)])
    assert only.confidence == "medium" and only.features["scored_by"] == "description"
    twin = _facts(pipeline, "Black leather wallet")
    both = score_pairs(pipeline, [(lost, alone), (lost, twin)])
    assert [proposal.confidence for proposal in both] == ["low", "low"]


def test_a_photo_showing_what_the_words_name_ranks_first(pipeline: VisionPipeline) -> None:
    lost = _facts(pipeline, "ضاعت محفظتي الجلد السوداء")
    shows_a_wallet = _facts(pipeline, "Black wallet", labels=("wallet",))
    shows_a_shoe = _facts(pipeline, "Black wallet", labels=("running shoe",))
    ranked = score_pairs(pipeline, [(lost, shows_a_shoe), (lost, shows_a_wallet)])
    assert [proposal.found_id for proposal in ranked] == [shows_a_wallet.id, shows_a_shoe.id]
    assert ranked[0].features["photo_shows"] == ["wallet"]
    assert all(proposal.confidence != "high" for proposal in ranked)
