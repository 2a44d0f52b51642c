from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from mafqood.vision import Candidate, ImageAnalysis, VisionConfig, VisionPipeline
from mafqood.vision.local_features import deserialise

from .synth import make_background, make_object, photograph

ITEMS = 6


@pytest.fixture(scope="module")
def scene(pipeline: VisionPipeline) -> dict[str, object]:
    """Item 0 lost (photo on desk 0) and found (another desk, angle, distance, light, camera).

    The gallery also holds the other items photographed on the query's own desk: the
    confusers a venue's lost & found office produces, same background, different item.
    """
    items = [make_object(seed) for seed in range(ITEMS)]
    query = photograph(items[0], make_background(0), angle=8, scale=1.3)
    found = photograph(
        items[0],
        make_background(1),
        angle=-30,
        scale=0.9,
        tilt=0.3,
        centre=(0.45, 0.55),
        brightness=0.85,
        jpeg_quality=60,
    )
    gallery = {"item0": pipeline.analyse(found)}
    for index in range(1, ITEMS):
        gallery[f"item{index}-same-desk"] = pipeline.analyse(
            photograph(items[index], make_background(0), angle=8, scale=1.3)
        )
        gallery[f"item{index}-other-desk"] = pipeline.analyse(
            photograph(items[index], make_background(index + 1), angle=-12, scale=1.1)
        )
    return {"query": pipeline.analyse(query), "gallery": gallery}


def _candidates(gallery: dict[str, ImageAnalysis]) -> list[Candidate]:
    return [Candidate(key, a.image_vector, a.local_features) for key, a in gallery.items()]


def test_analysis_has_a_normalised_vector_and_a_model_name(
    pipeline: VisionPipeline, scene: dict[str, object]
) -> None:
    analysis = scene["query"]
    assert isinstance(analysis, ImageAnalysis)
    assert analysis.image_vector.shape == (1280,)
    assert analysis.image_vector.dtype == np.float32
    assert abs(float(np.linalg.norm(analysis.image_vector)) - 1) < 1e-4
    assert analysis.image_model == pipeline.image_model == "efficientnet-lite0-cw448-v2"
    assert pipeline.image_dim == 1280
    assert len(deserialise(analysis.local_features)) > 50
    assert analysis.timings_ms["total_ms"] > 0
    assert abs(sum(analysis.category_probabilities.values()) - 1) < 1e-3
    for obj in analysis.detected_objects:
        assert set(obj) >= {"class", "confidence", "bbox", "category"}


def test_same_item_ranks_first_after_rerank_despite_shared_background(
    pipeline: VisionPipeline, scene: dict[str, object]
) -> None:
    query = scene["query"]
    gallery = scene["gallery"]
    assert isinstance(query, ImageAnalysis) and isinstance(gallery, dict)
    ranked = pipeline.rerank(query, _candidates(gallery))
    assert ranked[0].id == "item0"
    best = ranked[0]
    assert best.details["verified"] is True
    assert best.score >= 0.8
    # The items that share the query's desk are not the item.
    for r in ranked[1:]:
        assert r.score < 0.5, r
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_rerank_without_local_features_falls_back_to_appearance(
    pipeline: VisionPipeline, scene: dict[str, object]
) -> None:
    query = scene["query"]
    gallery = scene["gallery"]
    assert isinstance(query, ImageAnalysis) and isinstance(gallery, dict)
    candidates = [
        Candidate(key, a.image_vector, None if i % 2 else b"garbage")
        for i, (key, a) in enumerate(gallery.items())
    ]
    ranked = pipeline.rerank(query, candidates)
    assert len(ranked) == len(candidates)
    assert not any(r.details["verified"] for r in ranked)
    assert pipeline.rerank(query, []) == []


def test_analyse_is_thread_safe(pipeline: VisionPipeline) -> None:
    images = [photograph(make_object(seed), make_background(seed)) for seed in range(4)]
    sequential = [pipeline.analyse(image) for image in images]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(pipeline.analyse, images))
    for one, other in zip(sequential, parallel, strict=True):
        np.testing.assert_allclose(one.image_vector, other.image_vector, atol=1e-5)
        assert one.local_features == other.local_features


def test_rerank_in_chunks_gives_the_same_scores(
    pipeline: VisionPipeline, scene: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mafqood.vision import verification

    query = scene["query"]
    gallery = scene["gallery"]
    assert isinstance(query, ImageAnalysis) and isinstance(gallery, dict)
    whole = pipeline.rerank(query, _candidates(gallery))
    monkeypatch.setattr(verification, "MAX_BLOCK", 1)  # one candidate per block
    chunked = pipeline.rerank(query, _candidates(gallery))
    assert [r.id for r in chunked] == [r.id for r in whole]
    for a, b in zip(whole, chunked, strict=True):
        assert a.score == pytest.approx(b.score, abs=1e-6)


def test_query_rebuilt_from_stored_columns_ranks_like_the_analysis(
    pipeline: VisionPipeline, scene: dict[str, object]
) -> None:
    query = scene["query"]
    gallery = scene["gallery"]
    assert isinstance(query, ImageAnalysis) and isinstance(gallery, dict)
    stored = ImageAnalysis.from_stored(
        query.image_vector.tolist(), query.image_model, query.local_features
    )
    fresh = pipeline.rerank(query, _candidates(gallery))
    again = pipeline.rerank(stored, _candidates(gallery))
    assert [r.id for r in again] == [r.id for r in fresh]
    assert again[0].score == pytest.approx(fresh[0].score, abs=1e-5)
    assert not stored.contradicts("wallet")
    # Without stored features only appearance is left, and nothing is verified.
    bare = ImageAnalysis.from_stored(query.image_vector, query.image_model, None)
    assert not any(r.details["verified"] for r in pipeline.rerank(bare, _candidates(gallery)))


def test_batched_analysis_equals_one_by_one(pipeline: VisionPipeline) -> None:
    photos = [
        photograph(make_object(40), make_background(40)),  # 640 x 480
        photograph(make_object(41), make_background(41, size=(480, 640))),  # portrait
        photograph(make_object(42), make_background(42)),  # landscape again: one batch
    ]
    batched = pipeline.analyse_many(photos)
    for photo, analysis in zip(photos, batched, strict=True):
        alone = pipeline.analyse(photo)
        assert float(alone.image_vector @ analysis.image_vector) > 0.9999
        assert alone.local_features == analysis.local_features
        assert alone.suggested_category == analysis.suggested_category


def test_pytorch_forward_gives_the_onnx_vectors(model_dir: Path) -> None:
    """The GPU path (VISION_TORCH_DEVICE) runs the same weights: checked here on the CPU."""
    photo = photograph(make_object(43), make_background(43))
    onnx = VisionPipeline(VisionConfig(model_dir=model_dir)).analyse(photo)
    torch = VisionPipeline(VisionConfig(model_dir=model_dir, torch_device="cpu")).analyse(photo)
    assert torch.image_model == onnx.image_model
    assert float(torch.image_vector @ onnx.image_vector) > 0.9999
    assert torch.suggested_category == onnx.suggested_category
