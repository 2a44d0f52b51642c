"""Fit the calibrated probability of "the very item" (matching/calibration.py) on the matches
that scripts/bench/one_photo_crowd.py stored (its --dump), with a part of the objects held
back, and print the fit, the bar for "high", and how both hold on the held-back part.

    .venv/bin/python -m scripts.bench.calibrate_high pairs.jsonl [--precision 0.995]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mafqood.matching.calibration import (
    FEATURES,
    Calibration,
    fit,
    stored_evidence,
    threshold_for,
)

HELD_BACK = 0.3
BINS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97, 0.99, 1.0001)


def held_back(query: str) -> bool:
    """A stable third of the objects, whatever the order of the file."""
    return int(hashlib.sha1(query.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < HELD_BACK


def report(name: str, rows: Sequence[dict[str, Any]], calibration: Calibration) -> None:
    evidences = [stored_evidence(r["features"]) for r in rows]
    probabilities = [calibration.probability(e) for e in evidences]
    high = [
        (p, r)
        for p, r, e in zip(probabilities, rows, evidences, strict=True)
        if calibration.is_high(e)
    ]
    right = sum(r["same"] for _, r in high)
    tops = [r for r in rows if r["rank"] == 1]
    true_tops = [r for r in tops if r["same"]]
    true_high = sum(
        calibration.probability(stored_evidence(r["features"])) >= calibration.high
        for r in true_tops
    )
    never = {(r["direction"], r["crowd"], r["query"]) for r in rows if not r["reported"]}
    never_high = {(r["direction"], r["crowd"], r["query"]) for p, r in high if not r["reported"]}
    print(f"\n{name}: {len(rows)} stored matches")
    print(f"- precision of high: {right}/{len(high)} = {right / max(len(high), 1):.4f}")
    print(
        f"- true top-1 matches that are high: {true_high}/{len(true_tops)}"
        f" = {true_high / max(len(true_tops), 1):.3f}"
    )
    print(
        f"- never-reported queries with a high match: {len(never_high)}/{len(never)}"
        f" = {len(never_high) / max(len(never), 1):.3f}"
    )
    print(
        "\n| probability | pairs | mean probability | share that is the item |\n|---|---|---|---|"
    )
    for low, top in itertools.pairwise(BINS):
        group = [(p, r["same"]) for p, r in zip(probabilities, rows, strict=True) if low <= p < top]
        if group:
            mean = sum(p for p, _ in group) / len(group)
            share = sum(s for _, s in group) / len(group)
            print(f"| {low:.2f}-{min(top, 1):.2f} | {len(group)} | {mean:.3f} | {share:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", type=Path)
    parser.add_argument("--precision", type=float, default=0.995, help="on the fitted part")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.dump.read_text().splitlines() if line]
    fitted = [r for r in rows if not held_back(r["query"])]
    kept = [r for r in rows if held_back(r["query"])]
    bias, weights = fit(
        [stored_evidence(r["features"]) for r in fitted], [r["same"] for r in fitted]
    )
    provisional = Calibration(bias, weights, 1.0)
    # The bar is chosen among the pairs that lead their search clearly (Calibration.lead).
    leading = [
        r for r in fitted if stored_evidence(r["features"])["visual_margin"] >= provisional.lead
    ]
    bar = threshold_for(
        [provisional.probability(stored_evidence(r["features"])) for r in leading],
        [r["same"] for r in leading],
        args.precision,
    )
    calibration = Calibration(bias, weights, round(bar, 4))
    print("CALIBRATION = Calibration(")
    print(f"    bias={bias:.4f},")
    print("    weights={")
    for name in FEATURES:
        print(f'        "{name}": {weights[name]:.4f},')
    print("    },")
    print(f"    high={calibration.high},")
    print(")")
    report("fitted part", fitted, calibration)
    report("held-back part", kept, calibration)


if __name__ == "__main__":
    main()
