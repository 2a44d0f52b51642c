from __future__ import annotations

import numpy as np

from mafqood.vision.scoring import colour_similarity, visual_score
from mafqood.vision.verification import Evidence

VERIFIED = Evidence(tentative=60, inliers=50, colour_agreement=1.0, weighted=30.0)
WEAK = Evidence(tentative=9, inliers=8, colour_agreement=0.5, weighted=1.0)
NONE = Evidence()


def test_score_is_a_probability_that_grows_with_each_piece_of_evidence() -> None:
    base = visual_score(0.7, 0.8, NONE)
    assert 0.0 <= base <= 1.0
    assert visual_score(0.8, 0.8, NONE) > base
    assert visual_score(0.7, 0.95, NONE) > base
    assert visual_score(0.7, 0.8, WEAK) > base
    assert visual_score(0.7, 0.8, VERIFIED) > visual_score(0.7, 0.8, WEAK)


def test_bands_read_as_intended() -> None:
    # A verified pair of ordinary appearance similarity is a confident match...
    assert visual_score(0.65, 0.7, VERIFIED) >= 0.8
    # ...an unrelated photo is not, and neither is a look-alike without verification.
    assert visual_score(0.55, 0.6, NONE) < 0.1
    assert visual_score(0.8, 0.8, NONE) < 0.8
    # Below the inlier threshold, inliers count for nothing.
    assert visual_score(0.7, 0.8, Evidence(tentative=20, inliers=7, weighted=5.0)) == (
        visual_score(0.7, 0.8, NONE)
    )


def test_unknown_colour_is_neutral() -> None:
    unknown = visual_score(0.7, None, NONE)
    assert visual_score(0.7, 0.3, NONE) < unknown < visual_score(0.7, 0.99, NONE)


def test_colour_similarity_of_stored_histograms() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, 256).astype(np.uint8)
    b = rng.integers(0, 256, 256).astype(np.uint8)
    assert colour_similarity(a, a) == 1.0
    assert 0.0 < colour_similarity(a, b) < 1.0
    assert colour_similarity(np.zeros(256, np.uint8), a) == 0.0
