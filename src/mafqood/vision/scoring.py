"""The visual score of a (query, candidate) pair: a probability-like number in [0, 1].

A logistic function of four pieces of evidence, additive in log-odds:
- the global embedding cosine (whole-item appearance);
- the distance between the centre-weighted colour histograms (Hellinger: it separates
  "the same colours" from "nearly the same" better than the raw overlap does);
- the weighted inliers of the geometric check, saturating: once a plane-consistent, colour-
  consistent match is certain, more inliers add little, and appearance decides between
  look-alikes (a product and its colour variant match geometrically about equally well);
- for verified pairs, the share of colourful pixels that disagree once the homography has
  aligned the two photos (a variant's band or cap of another colour).
The ratios of the weights were chosen on the evaluation sets' pair statistics, and the
overall scale and bias fitted there so the score reads as a probability (two numbers, no
learned features); docs/matching-quality.md shows the precision of each score band.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mafqood.vision.verification import Evidence


@dataclass(frozen=True)
class ScoreWeights:
    bias: float = -11.0
    cosine: float = 15.0
    colour_distance: float = -8.0
    verification: float = 12.0
    # weighted inliers at which the verification term reaches 63% of its weight
    verification_scale: float = 8.0
    colour_mismatch: float = -8.0


DEFAULT_WEIGHTS = ScoreWeights()
# Used when a candidate has no stored colour histogram (not yet analysed): a typical
# distance between photos of one item, so that it neither helps nor sinks the candidate.
UNKNOWN_HELLINGER = 0.4


def colour_similarity(hist_a: np.ndarray, hist_b: np.ndarray) -> float:
    """Bhattacharyya coefficient of two stored (sqrt, uint8) histograms, in [0, 1]."""
    a = hist_a.astype(np.float32)
    b = hist_b.astype(np.float32)
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return min(1.0, float(a @ b) / denominator) if denominator > 0 else 0.0


def verification_strength(evidence: Evidence, scale: float) -> float:
    if not evidence.verified:
        return 0.0
    return 1.0 - math.exp(-evidence.weighted / scale)


def visual_score(
    cosine: float,
    colour: float | None,
    evidence: Evidence,
    weights: ScoreWeights = DEFAULT_WEIGHTS,
) -> float:
    hellinger = UNKNOWN_HELLINGER if colour is None else math.sqrt(max(0.0, 1.0 - colour))
    z = (
        weights.bias
        + weights.cosine * cosine
        + weights.colour_distance * hellinger
        + weights.verification * verification_strength(evidence, weights.verification_scale)
        + weights.colour_mismatch * evidence.colour_mismatch
    )
    return 1.0 / (1.0 + math.exp(-z))
