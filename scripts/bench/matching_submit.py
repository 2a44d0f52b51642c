"""A submitted photo, end to end, with 100,000 open found items in the database: HTTP upload,
decode, metadata stripping, thumbnails and storing in the API, then in a vision worker the
models, candidate search, same-instance verification of the top candidates, scoring and
storing - POST /api/v1/lost through the real app, which here waits for the analysis however
long it takes (MATCH_WAIT_MS raised), so the latency is the whole path.

Run scripts/bench/matching_search.py first: it fills .data/bench/postgres with 100k items.
This script gives those items real local features (taken from photos it analyses), so the
verification step does its full work, then submits --reports lost reports.

    .venv/bin/python -m scripts.bench.matching_submit [--reports 40]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
from PIL import Image

from mafqood.core.config import Settings
from mafqood.core.embedded import EmbeddedRedis, start_postgres
from mafqood.main import create_app
from mafqood.matching.models_loader import pipeline_for
from mafqood.vision.local_features import FORMAT_VERSION, VERSION_OFFSET
from scripts.bench.machine import describe, peak_rss_mb, percentile
from scripts.bench.matching_search import BENCH_DIR, NOW, prewarm
from scripts.bench.photos import phone_like_photo
from scripts.bench.vision_workers import Workers

FEATURE_SOURCES = 40


def upload_photo(seed: int) -> bytes:
    """What a phone uploads after the app's own compression: about 1600x1200 JPEG."""
    image = Image.open(io.BytesIO(phone_like_photo(seed))).resize((1600, 1200))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


async def give_items_local_features(url: str, settings: Settings) -> None:
    """Real features for every item (again when they are in an older format)."""
    connection = await asyncpg.connect(url)
    missing = await connection.fetchval(
        "SELECT count(*) FROM items"
        " WHERE local_features IS NULL OR get_byte(local_features, $1) < $2",
        VERSION_OFFSET,
        FORMAT_VERSION,
    )
    if missing:
        vision = pipeline_for(settings)
        blobs = []
        for seed in range(FEATURE_SOURCES):
            image = Image.open(io.BytesIO(upload_photo(1000 + seed))).convert("RGB")
            blobs.append(vision.analyse(image).local_features)
        for index, blob in enumerate(blobs):
            await connection.execute(
                "UPDATE items SET local_features = $1 WHERE abs(hashtext(id::text)) % $2 = $3",
                blob,
                FEATURE_SOURCES,
                index,
            )
    await connection.close()


async def run(reports: int) -> None:
    url = start_postgres(BENCH_DIR / "postgres")
    redis = EmbeddedRedis(BENCH_DIR / "redis")
    with tempfile.TemporaryDirectory() as media:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            environment="test",
            database_url=url,
            redis_url=redis.url,
            data_dir=Path(media),
            secret_key="bench-" + "k" * 40,
            bcrypt_rounds=4,
            rate_limit_enabled=False,
            match_wait_ms=30_000,
            match_wait_max_queue=1_000,
        )
        await give_items_local_features(url, settings)
        await prewarm(url)
        app = create_app(settings)
        latencies: list[float] = []
        matched = 0
        workers = Workers({"DATABASE_URL": url, "REDIS_URL": redis.url, "DATA_DIR": media})
        workers.start(1)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                email = f"bench-{time.time_ns()}@example.com"
                auth = await client.post(
                    "/auth/register",
                    json={"email": email, "password": "BenchPassword1", "full_name": "Bench"},
                )
                headers = {"Authorization": f"Bearer {auth.json()['token']}"}
                photos = [upload_photo(seed) for seed in range(reports + 3)]
                for index, photo in enumerate(photos):
                    start = time.perf_counter()
                    response = await client.post(
                        "/api/v1/lost",
                        data={
                            "title": f"Lost item {index}",
                            "category": "phone",
                            "location": "Dubai Mall",
                            "latitude": "25.2",
                            "longitude": "55.2",
                            "date_time": (NOW - timedelta(days=20)).isoformat(),
                        },
                        files={"image": ("photo.jpg", photo, "image/jpeg")},
                        headers=headers,
                    )
                    elapsed = (time.perf_counter() - start) * 1000
                    assert response.status_code == 201, response.text
                    if index >= 3:  # the first requests warm caches
                        latencies.append(elapsed)
                        matched += response.json()["match_count"] > 0
        workers.stop()
    redis.stop()
    print(f"machine: {describe()}")
    print(f"open found items in the database: {await count_items(url)}")
    print()
    print("| reports | p50 ms | p95 ms | max ms | reports with a match | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {len(latencies)} | {percentile(latencies, 0.5):.0f} | "
        f"{percentile(latencies, 0.95):.0f} | {max(latencies):.0f} | {matched} "
        f"| {peak_rss_mb():.0f} |"
    )


async def count_items(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM items WHERE type = 'found' AND status = 'open'"
            )
        )
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=40)
    asyncio.run(run(parser.parse_args().reports))


if __name__ == "__main__":
    main()
