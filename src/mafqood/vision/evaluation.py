"""`mafqood eval DIR`: the protocol of the shared evaluation README, through VisionPipeline.

Each photo in turn is the query and every other photo is the gallery. The first stage is
an exact cosine search over the gallery's stored vectors (numpy, standing in for pgvector),
the second is VisionPipeline.rerank() on its top K: the same calls the API makes.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from mafqood.vision.imaging import load_image
from mafqood.vision.pipeline import RERANK_TOP_K, Candidate, ImageAnalysis, VisionPipeline

SCORE_BANDS = (0.8, 0.5)  # the match confidence thresholds the score feeds (high, medium)


@dataclass
class EvalResult:
    name: str
    images: int
    top_k: int
    recall_at_1: float
    recall_at_5: float
    mean_ap: float
    first_stage_recall_at_k: float
    first_stage_recall_at_1: float
    latency_p50_ms: float
    latency_p95_ms: float
    analyse_p50_ms: float
    analyse_p95_ms: float
    rerank_p50_ms: float
    rerank_p95_ms: float
    # For each band: share of queries whose top result scores in it, and how often it is right.
    bands: dict[str, dict[str, float]] = field(default_factory=dict)
    machine: str = ""


def machine_description() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{model}, {cores} cores, {platform.system()} {platform.machine()}"


def read_labels(folder: Path, limit: int | None = None) -> list[tuple[Path, str]]:
    with (folder / "labels.csv").open(newline="") as handle:
        rows = [(folder / row["image"], row["instance_id"]) for row in csv.DictReader(handle)]
    return rows[:limit] if limit else rows


def average_precision(relevant: np.ndarray) -> float:
    """AP of one ranking given as a boolean array (all positives are somewhere in it)."""
    hits = np.flatnonzero(relevant)
    if not len(hits):
        return 0.0
    return float(np.mean(np.arange(1, len(hits) + 1) / (hits + 1)))


def evaluate(
    folder: Path,
    pipeline: VisionPipeline,
    *,
    limit: int | None = None,
    top_k: int = RERANK_TOP_K,
    dump: IO[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> EvalResult:
    rows = read_labels(folder, limit)
    labels = np.array([instance for _, instance in rows])
    analyses: list[ImageAnalysis] = []
    analyse_ms: list[float] = []
    for index, (path, _) in enumerate(rows):
        start = time.perf_counter()
        analyses.append(pipeline.analyse(load_image(path)))  # decode counts, as in the API
        analyse_ms.append((time.perf_counter() - start) * 1000)
        if progress and (index + 1) % 100 == 0:
            progress(f"analysed {index + 1}/{len(rows)}")
    vectors = np.stack([a.image_vector for a in analyses]).astype(np.float32)
    gallery = [
        Candidate(i, analyses[i].image_vector, analyses[i].local_features) for i in range(len(rows))
    ]

    hits1 = hits5 = stage_k = stage_1 = 0
    aps, latencies, rerank_ms = [], [], []
    band_counts = {name: [0, 0] for name in _band_names()}
    for q in range(len(rows)):
        positives = labels == labels[q]
        positives[q] = False
        if not positives.any():
            continue
        start = time.perf_counter()
        sims = vectors @ vectors[q]
        sims[q] = -np.inf
        k = min(top_k, len(rows) - 1)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top])]
        search_done = time.perf_counter()
        ranked = pipeline.rerank(analyses[q], [gallery[int(i)] for i in top])
        done = time.perf_counter()
        rerank_ms.append((done - search_done) * 1000)
        latencies.append(analyse_ms[q] + (done - start) * 1000)

        head = [int(r.id) for r in ranked]
        rest = [int(i) for i in np.argsort(-sims) if int(i) != q and int(i) not in set(head)]
        order = np.array(head + rest)
        relevant = positives[order]
        hits1 += bool(relevant[0])
        hits5 += bool(relevant[:5].any())
        stage_k += bool(positives[top].any())
        stage_1 += bool(positives[top[0]])
        aps.append(average_precision(relevant))
        band = _band_of(ranked[0].score)
        band_counts[band][0] += 1
        band_counts[band][1] += bool(relevant[0])
        if dump is not None:
            for rank, r in enumerate(ranked):
                record: dict[str, Any] = {
                    "query": q,
                    "candidate": int(r.id),
                    "rank": rank,
                    "same": bool(positives[int(r.id)]),
                    "score": round(r.score, 5),
                    **r.details,
                }
                dump.write(json.dumps(record) + "\n")
        if progress and (q + 1) % 100 == 0:
            progress(f"queried {q + 1}/{len(rows)}")

    queries = max(len(aps), 1)
    return EvalResult(
        name=folder.name,
        images=len(rows),
        top_k=top_k,
        recall_at_1=hits1 / queries,
        recall_at_5=hits5 / queries,
        mean_ap=float(np.mean(aps)) if aps else 0.0,
        first_stage_recall_at_k=stage_k / queries,
        first_stage_recall_at_1=stage_1 / queries,
        latency_p50_ms=_pct(latencies, 50),
        latency_p95_ms=_pct(latencies, 95),
        analyse_p50_ms=_pct(analyse_ms, 50),
        analyse_p95_ms=_pct(analyse_ms, 95),
        rerank_p50_ms=_pct(rerank_ms, 50),
        rerank_p95_ms=_pct(rerank_ms, 95),
        bands={
            name: {
                "share": n / queries,
                "precision": (right / n) if n else float("nan"),
            }
            for name, (n, right) in band_counts.items()
        },
        machine=machine_description(),
    )


def _band_names() -> list[str]:
    high, medium = SCORE_BANDS
    return [f">={high}", f"{medium}-{high}", f"<{medium}"]


def _band_of(score: float) -> str:
    high, medium = SCORE_BANDS
    names = _band_names()
    return names[0] if score >= high else names[1] if score >= medium else names[2]


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def format_results(results: list[EvalResult]) -> str:
    lines = [
        "| set | images | recall@1 | recall@5 | mAP | global-only recall@1 | global recall@K "
        "| latency p50 / p95 ms | analyse p50 / p95 ms | rerank p50 / p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.images} | {r.recall_at_1:.3f} | {r.recall_at_5:.3f} | "
            f"{r.mean_ap:.3f} | {r.first_stage_recall_at_1:.3f} | "
            f"{r.first_stage_recall_at_k:.3f} (K={r.top_k}) | "
            f"{r.latency_p50_ms:.0f} / {r.latency_p95_ms:.0f} | "
            f"{r.analyse_p50_ms:.0f} / {r.analyse_p95_ms:.0f} | "
            f"{r.rerank_p50_ms:.0f} / {r.rerank_p95_ms:.0f} |"
        )
    lines.append("")
    lines.append("| set | top score band | share of queries | top result right |")
    lines.append("|---|---|---|---|")
    for r in results:
        for band, stats in r.bands.items():
            precision = "-" if np.isnan(stats["precision"]) else f"{stats['precision']:.3f}"
            lines.append(f"| {r.name} | {band} | {stats['share']:.3f} | {precision} |")
    if results:
        lines.append("")
        lines.append(f"machine: {results[0].machine}")
    return "\n".join(lines)
