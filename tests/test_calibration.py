"""The calibrated probability behind "high": fitted on one part of a made-up set of pairs, its
bar keeps the promised precision on the part held back; the shipped fit tells a clear winner
from a crowd of look-alikes."""

from __future__ import annotations

import numpy as np

from mafqood.matching.calibration import (
    CALIBRATION,
    FEATURES,
    Calibration,
    evidence,
    fit,
    threshold_for,
)


def _made_up_pairs(seed: int, count: int) -> tuple[list[dict[str, float]], list[bool]]:
    """Pairs whose label follows a known logistic law of their evidence (no real photos)."""
    rng = np.random.default_rng(seed)
    truth = {"visual_logodds": 1.0, "visual_margin": 6.0, "cosine_margin": 10.0, "verified": 2.0}
    rows, labels = [], []
    for _ in range(count):
        row = {
            "visual_logodds": float(rng.normal(-2, 4)),
            "visual_margin": float(rng.normal(-0.2, 0.3)),
            "cosine_margin": float(rng.normal(-0.05, 0.1)),
            "global_cosine": float(rng.uniform(0.3, 0.95)),
            "verified": float(rng.random() < 0.3),
            "verified_share": 0.0,
            "colour_mismatch": float(rng.uniform(0, 0.3)),
        }
        row["verified_share"] = row["verified"]
        z = -1.0 + sum(weight * row[name] for name, weight in truth.items())
        rows.append(row)
        labels.append(bool(rng.random() < 1 / (1 + np.exp(-z))))
    return rows, labels


def test_the_bar_for_high_holds_on_the_held_back_part() -> None:
    rows, labels = _made_up_pairs(1, 6000)
    fitted_rows, fitted_labels = rows[:4000], labels[:4000]
    kept_rows, kept_labels = rows[4000:], labels[4000:]
    bias, weights = fit(fitted_rows, fitted_labels)
    assert set(weights) == set(FEATURES)
    provisional = Calibration(bias, weights, 1.0)
    bar = threshold_for(
        [provisional.probability(row) for row in fitted_rows], fitted_labels, precision=0.995
    )
    calibration = Calibration(bias, weights, bar)
    kept = [calibration.probability(row) for row in kept_rows]
    high = [label for p, label in zip(kept, kept_labels, strict=True) if p >= calibration.high]
    assert len(high) > 30  # "high" is reachable, not a bar nobody passes
    assert sum(high) / len(high) >= 0.99
    # Reliable: among pairs given about 0.7-0.9, about that share is right.
    middle = [label for p, label in zip(kept, kept_labels, strict=True) if 0.7 <= p < 0.9]
    assert 0.6 <= sum(middle) / len(middle) <= 0.97


def test_the_shipped_fit_tells_a_clear_winner_from_a_crowd() -> None:
    verified = {
        "global_cosine": 0.82,
        "verified": True,
        "view_pairs": 1,
        "view_pairs_verified": 1,
        "colour_mismatch": 0.02,
    }
    clear = evidence(0.995, verified, [(0.2, 0.7), (0.1, 0.68)])
    assert CALIBRATION.is_high(clear)

    unverified = {**verified, "verified": False, "view_pairs_verified": 0}
    # Five look-alikes about as alike as the candidate itself: nobody is "the" item.
    tied = evidence(0.3, unverified, [(0.3, 0.82), (0.29, 0.81), (0.28, 0.8), (0.3, 0.82)])
    assert not CALIBRATION.is_high(tied)
    assert CALIBRATION.probability(tied) < CALIBRATION.probability(clear)

    # An everyday object that bends and turns: no verified points, but far above the crowd.
    standing_out = evidence(0.3, unverified, [(0.01, 0.6), (0.005, 0.58)])
    assert CALIBRATION.is_high(standing_out)
