"""Reindex throughput: stored photos analysed per second after a model change.

What `mafqood reindex` recomputes per item, in its batches: JPEG decode, the image model
(batched by photo shape), the category head, local features and the chroma thumbnail, and
the text vector; the database reads and writes are left out (a few ms per item). Worker
processes each own a pipeline, as reindex workers would; with --torch-device cuda the image
model runs in PyTorch on the GPU (VISION_TORCH_DEVICE) and the rest on the CPU cores.

    .venv/bin/python -m scripts.bench.reindex_throughput [--photos 256] [--workers 2]
        [--batch 16] [--torch-device cuda]

Needs only the vision package's dependencies (no database), so it also runs on a GPU
machine with the exported model in .data/models.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import time
from pathlib import Path

from PIL import Image

from mafqood.vision import VisionConfig, VisionPipeline
from scripts.bench.machine import describe
from scripts.bench.synthetic import textured_jpeg

DISTINCT_PHOTOS = 24
TEXTS = ("Black leather wallet", "iPhone 15 in a blue case", "محفظة جلد سوداء", "Car keys")

_pipeline: VisionPipeline | None = None


def stored_photo(seed: int) -> bytes:
    """What a 4:3 phone photo becomes once stored: 1440x1080."""
    return textured_jpeg(seed, (1440, 1080), quality=85)


def _start_worker(model_dir: str, threads: int, torch_device: str | None) -> None:
    global _pipeline
    config = VisionConfig(
        model_dir=Path(model_dir), intra_op_threads=threads, torch_device=torch_device
    )
    _pipeline = VisionPipeline(config)
    _analyse([stored_photo(0)] * 2)  # load the text model, warm the first batch


def _analyse(photos: list[bytes]) -> int:
    assert _pipeline is not None
    images = []
    for data in photos:
        with Image.open(io.BytesIO(data)) as opened:
            images.append(opened.convert("RGB"))
    _pipeline.analyse_many(images)
    _pipeline.embed_texts([TEXTS[i % len(TEXTS)] for i in range(len(photos))])
    return len(photos)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=256)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch", type=int, default=16, help="items per reindex batch")
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime threads per worker")
    parser.add_argument("--torch-device", default=None, help="e.g. cuda; default onnxruntime")
    parser.add_argument("--model-dir", default=".data/models")
    args = parser.parse_args()

    photos = [stored_photo(seed) for seed in range(DISTINCT_PHOTOS)]
    batches = [
        [photos[(first + i) % DISTINCT_PHOTOS] for i in range(min(args.batch, args.photos - first))]
        for first in range(0, args.photos, args.batch)
    ]
    # spawn: CUDA cannot be used in forked children.
    context = multiprocessing.get_context("spawn")
    with context.Pool(
        args.workers,
        initializer=_start_worker,
        initargs=(args.model_dir, args.threads, args.torch_device),
    ) as pool:
        pool.map(_analyse, [[photos[0]]] * args.workers)  # every worker is up
        start = time.perf_counter()
        done = sum(pool.imap_unordered(_analyse, batches))
        elapsed = time.perf_counter() - start

    device = args.torch_device or "cpu (onnxruntime)"
    print(f"machine: {describe()}")
    print()
    print("| image model on | workers | batch | photos | seconds | photos/s |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {device} | {args.workers} | {args.batch} | {done} | {elapsed:.1f} | "
        f"{done / elapsed:.1f} |"
    )


if __name__ == "__main__":
    main()
