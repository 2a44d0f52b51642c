"""Photo pipeline benchmark: a 12 MP (4000x3000) JPEG -> stored 1440x1080 JPEG + 400x400 and
200x200 thumbnails, through the same code the API uses (process_photo + LocalStorage).

    .venv/bin/python -m scripts.bench.photos [--runs 40]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from mafqood.photos.processing import process_photo
from mafqood.storage import LocalStorage
from scripts.bench.machine import describe, peak_rss_mb, percentile
from scripts.bench.synthetic import textured_jpeg


def phone_like_photo(seed: int = 0) -> bytes:
    """A 12 MP JPEG, as a phone takes it."""
    return textured_jpeg(seed, (4000, 3000))


async def run(runs: int) -> None:
    data = phone_like_photo()
    with tempfile.TemporaryDirectory() as root:
        storage = LocalStorage(Path(root), "http://bench")
        timings: list[float] = []
        for index in range(runs + 3):
            start = time.perf_counter()
            photo = await asyncio.to_thread(process_photo, data, 50_000_000)
            key = f"items/bench-{index}"
            await asyncio.gather(
                storage.put(f"{key}.jpg", photo.original, "image/jpeg"),
                storage.put(f"{key}_thumb.jpg", photo.thumbnail, "image/jpeg"),
                storage.put(f"{key}_small.jpg", photo.small, "image/jpeg"),
            )
            if index >= 3:  # warm-up runs are not counted
                timings.append((time.perf_counter() - start) * 1000)
    print(f"machine: {describe()}")
    print(f"input: 4000x3000 JPEG, {len(data) / 2**20:.1f} MB; output {photo.image.size}")
    print()
    print("| runs | p50 ms | p95 ms | mean ms | photos/s (1 thread) | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    mean = sum(timings) / len(timings)
    print(
        f"| {runs} | {percentile(timings, 0.5):.1f} | {percentile(timings, 0.95):.1f} "
        f"| {mean:.1f} | {1000 / mean:.1f} | {peak_rss_mb():.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    asyncio.run(run(parser.parse_args().runs))


if __name__ == "__main__":
    main()
