from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from mafqood.cli import main
from mafqood.vision import VisionPipeline
from mafqood.vision.evaluation import average_precision, evaluate, format_results

from .synth import make_background, make_object, photograph


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A labels.csv folder like the shared evaluation sets: 4 items, 2 photos each."""
    root = tmp_path_factory.mktemp("evalset")
    (root / "images").mkdir()
    rows = []
    for item in range(4):
        views = [
            photograph(make_object(100 + item), make_background(item), angle=5, scale=1.2),
            photograph(
                make_object(100 + item),
                make_background(item + 10),
                angle=-20,
                scale=0.9,
                tilt=0.2,
                brightness=0.9,
            ),
        ]
        for view, image in enumerate(views):
            name = f"images/item{item}_{view}.jpg"
            image.save(root / name, quality=85)
            rows.append({"image": name, "instance_id": f"item{item}"})
    with (root / "labels.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["image", "instance_id"])
        writer.writeheader()
        writer.writerows(rows)
    return root


def test_average_precision() -> None:
    assert average_precision(np.array([True, False, True])) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision(np.array([False, True])) == 0.5
    assert average_precision(np.array([False, False])) == 0.0


def test_protocol_on_a_small_folder(folder: Path, pipeline: VisionPipeline) -> None:
    result = evaluate(folder, pipeline, top_k=5)
    assert result.images == 8
    assert result.recall_at_1 == 1.0
    assert result.mean_ap == 1.0
    assert result.latency_p95_ms >= result.latency_p50_ms > 0
    assert "cores" in result.machine
    table = format_results([result])
    assert "| evalset" in table and "1.000" in table


def test_eval_command(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dump = tmp_path / "pairs.jsonl"
    assert main(["eval", str(folder), "--limit", "4", "--top-k", "3", "--dump", str(dump)]) == 0
    out = capsys.readouterr().out
    assert "recall@1" in out and "p95" in out
    assert dump.read_text().count("\n") == 4 * 3
    assert main(["eval", str(folder / "nowhere")]) == 2
