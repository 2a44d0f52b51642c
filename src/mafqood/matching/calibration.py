"""How likely a candidate is the very item of the report: one calibrated probability from all
the visual evidence, which decides "high".

Verified points alone rarely certify a bag, a shoe or a dog (they bend, turn and change
light), while a flat object on a cluttered counter verifies strongly. So the probability
combines, in log-odds: the visual score's own log-odds (cosine, colours, verified points,
aligned colours), how far the candidate stands above the best other candidate of the same
search in visual score and in appearance (a look-alike crowd lowers both margins), whether
the geometry was verified at all and on how many view pairs.

The coefficients are fitted by `scripts/bench/calibrate_high.py` (logistic regression) on the
matches the crowd benchmark stores, with a part of the objects held back; "high" needs
`high`, chosen so that the held-back part keeps a precision of at least 0.99, and a clear
lead over the next candidate (docs/matching-quality.md shows the fit, the threshold and the
reliability curve).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

FEATURES = (
    "visual_logodds",
    "visual_margin",
    "cosine_margin",
    "global_cosine",
    "verified",
    "verified_share",
    "colour_mismatch",
)


@dataclass(frozen=True)
class Calibration:
    bias: float
    weights: Mapping[str, float]
    high: float  # probability at and above which a match is "high"...
    # ...if it also leads every other candidate of its search by this much visual score. The
    # fit has seen next to no near-ties between look-alikes (a crowd's other candidates
    # score near 0), so it must not be trusted to extrapolate there: of two nearly equal
    # candidates, neither is certain.
    lead: float = 0.1

    def probability(self, evidence: Mapping[str, float]) -> float:
        z = self.bias + sum(self.weights[name] * evidence[name] for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def is_high(self, evidence: Mapping[str, float]) -> bool:
        return self.probability(evidence) >= self.high and evidence["visual_margin"] >= self.lead


# Fitted on 2026-12-04 by scripts/bench/calibrate_high.py on 17,938 stored matches of the
# one-photo crowd benchmark (both directions, crowds of 1,000-10,000); refit when the visual
# score or the candidate search changes.
CALIBRATION = Calibration(
    bias=2.4154,
    weights={
        "visual_logodds": 0.9602,
        "visual_margin": 2.0443,
        "cosine_margin": 0.8592,
        "global_cosine": -0.1311,
        "verified": 0.0203,
        "verified_share": 0.0203,
        "colour_mismatch": 0.1113,
    },
    high=0.6393,
)


def _logodds(p: float) -> float:
    p = min(1 - 1e-6, max(1e-6, p))
    return math.log(p / (1 - p))


def evidence(
    visual: float, details: Mapping[str, Any], others: Sequence[tuple[float, float]]
) -> dict[str, float]:
    """The features of one candidate; `others` holds (visual score, global cosine) of every
    other candidate of the same search."""
    cosine = float(details.get("global_cosine") or 0.0)
    best_visual = max((v for v, _ in others), default=0.0)
    best_cosine = max((c for _, c in others), default=0.0)
    pairs = int(details.get("view_pairs") or 1)
    return {
        "visual_logodds": _logodds(visual),
        "visual_margin": visual - best_visual,
        "cosine_margin": cosine - best_cosine,
        "global_cosine": cosine,
        "verified": 1.0 if details.get("verified") else 0.0,
        "verified_share": int(details.get("view_pairs_verified") or 0) / max(pairs, 1),
        "colour_mismatch": float(details.get("colour_mismatch") or 0.0),
    }


def stored_evidence(features: Mapping[str, Any]) -> dict[str, float]:
    """The features of a stored match, from its matching_features (refitting reads these)."""
    details = features.get("verification") or {}
    found = evidence(float(features["visual_similarity"]), details, ())
    found["visual_margin"] = float(details.get("visual_margin") or 0.0)
    found["cosine_margin"] = float(details.get("cosine_margin") or 0.0)
    return found


def fit(
    rows: Sequence[Mapping[str, float]], labels: Sequence[bool], l2: float = 1e-3
) -> tuple[float, dict[str, float]]:
    """Logistic regression by Newton's method (bias, weights by feature name); l2 keeps it
    finite when the classes separate."""
    x = np.array([[1.0, *(row[name] for name in FEATURES)] for row in rows])
    y = np.array(labels, dtype=np.float64)
    beta = np.zeros(x.shape[1])
    ridge = l2 * len(y) * np.eye(x.shape[1])
    ridge[0, 0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -40, 40)))
        gradient = x.T @ (p - y) + ridge @ beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + ridge
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(beta)), gradient)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return float(beta[0]), {name: float(w) for name, w in zip(FEATURES, beta[1:], strict=True)}


def threshold_for(
    probabilities: Sequence[float], labels: Sequence[bool], precision: float
) -> float:
    """The lowest probability at and above which at least `precision` of the pairs are right:
    the bar for "high"."""
    order = sorted(zip(probabilities, labels, strict=True), reverse=True)
    best = 1.0
    right = 0
    for count, (p, label) in enumerate(order, 1):
        right += label
        if right / count >= precision:
            best = p
    return best
