"""The visual score of a (query, candidate) pair: a probability-like number in [0, 1].

A logistic function of three pieces of evidence, additive in log-odds:
- the global embedding cosine (whole-item appearance, colour included);
- the similarity of the centre-weighted colour histograms;
- the weighted inliers of the geometric check, saturating: once a plane-consistent, colour-
  consistent match is certain, more inliers add nothing, and appearance decides between
  look-alikes (a product and its colour variant match geometrically equally well).
The weights were set by hand, so that verified pairs score above 0.9, unverified pairs need
a near-identical appearance to pass 0.5, and unrelated photos stay under 0.2; see
docs/matching-quality.md for how they behave on the evaluation sets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mafqood.vision.verification import Evidence


@dataclass(frozen=True)
class ScoreWeights:
    bias: float = -14.0
    cosine: float = 12.0
    colour: float = 3.0
    verification: float = 10.0
    # weighted inliers at which the verification term reaches 63% of its weight
    verification_scale: float = 8.0


DEFAULT_WEIGHTS = ScoreWeights()


def colour_similarity(hist_a: np.ndarray, hist_b: np.ndarray) -> float:
    """Bhattacharyya coefficient of two stored (sqrt, uint8) histograms, in [0, 1]."""
    a = hist_a.astype(np.float32)
    b = hist_b.astype(np.float32)
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / denominator if denominator > 0 else 0.0


def verification_strength(evidence: Evidence, scale: float) -> float:
    if not evidence.verified:
        return 0.0
    return 1.0 - math.exp(-evidence.weighted / scale)


def visual_score(
    cosine: float,
    colour: float,
    evidence: Evidence,
    weights: ScoreWeights = DEFAULT_WEIGHTS,
) -> float:
    z = (
        weights.bias
        + weights.cosine * cosine
        + weights.colour * colour
        + weights.verification * verification_strength(evidence, weights.verification_scale)
    )
    return 1.0 / (1.0 + math.exp(-z))
