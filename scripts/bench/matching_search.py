"""Candidate search at scale: 100,000 open found items in PostgreSQL, queried through the same
filtered pgvector HNSW search the API uses (mafqood.matching.search.nearest_ids).

Prints search latency p50/p95 and recall@10 against an exact (sequential) search with the same
filters.

    .venv/bin/python -m scripts.bench.matching_search [--items 100000] [--queries 200]

It starts its own embedded PostgreSQL in a temporary directory; the database is kept between
runs in .data/bench-postgres when --keep is given (filling 100k items takes a few minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import numpy as np
from pgvector.asyncpg import register_vector
from sqlalchemy import text

from mafqood.core.db import make_engine
from mafqood.core.embedded import start_postgres
from mafqood.core.unit_of_work import make_unit_of_work_factory
from mafqood.items.models import IMAGE_EMBEDDING_DIM, TEXT_EMBEDDING_DIM
from mafqood.items.vocabulary import CATEGORIES
from mafqood.matching.search import Query, SearchWindow, nearest_ids
from mafqood.migrations import upgrade_to_head
from scripts.bench.machine import describe, peak_rss_mb, percentile

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def synthetic_vectors(rng: np.random.Generator, count: int, dim: int, clusters: int) -> np.ndarray:
    """Clustered, non-negative, unit-length: like pooled CNN features of many similar objects."""
    centres = np.abs(rng.normal(size=(clusters, dim))).astype(np.float32)
    labels = rng.integers(0, clusters, size=count)
    vectors = np.empty((count, dim), dtype=np.float32)
    # In slices: the float64 noise of a million vectors at once would not fit in memory.
    for start in range(0, count, 50_000):
        rows = labels[start : start + 50_000]
        noise = np.abs(rng.normal(size=(len(rows), dim))).astype(np.float32)
        block = centres[rows] + 0.8 * noise
        vectors[start : start + len(rows)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return vectors


async def fill(url: str, items: int, seed: int, build_memory: str) -> None:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    await register_vector(connection)
    existing = await connection.fetchval("SELECT count(*) FROM items")
    if existing >= items:
        await connection.close()
        return
    await connection.execute("TRUNCATE items, users CASCADE")
    user_id = uuid.uuid4()
    await connection.execute(
        "INSERT INTO users (id, email, password_hash, full_name, is_venue) "
        "VALUES ($1, 'venue@bench.test', 'x', 'Bench Venue', true)",
        user_id,
    )
    rng = np.random.default_rng(seed)
    image_vectors = synthetic_vectors(rng, items, IMAGE_EMBEDDING_DIM, clusters=2000)
    text_vectors = synthetic_vectors(rng, items, TEXT_EMBEDDING_DIM, clusters=500)
    np.save(BENCH_DIR / "queries.npy", image_vectors[:5000])
    # Build the graphs once after loading: much faster than growing them row by row.
    await connection.execute("DROP INDEX IF EXISTS idx_items_image_embedding")
    await connection.execute("DROP INDEX IF EXISTS idx_items_text_embedding")
    records = []
    for index in range(items):
        records.append(
            (
                uuid.uuid4(),
                user_id,
                "found",
                "open",
                f"Found item {index}",
                CATEGORIES[index % len(CATEGORIES)],
                "https://cdn.test/x.jpg",
                "Dubai Mall",
                25.0 + rng.random() * 0.4,
                55.0 + rng.random() * 0.4,
                NOW - timedelta(hours=float(rng.random() * 24 * 60)),
                "in_app",
                image_vectors[index],
                text_vectors[index],
                "bench",
            )
        )
    start = time.perf_counter()
    await connection.copy_records_to_table(
        "items",
        records=records,
        columns=[
            "id",
            "user_id",
            "type",
            "status",
            "title",
            "category",
            "image_url",
            "location",
            "latitude",
            "longitude",
            "date_time",
            "contact_method",
            "image_embedding",
            "text_embedding",
            "image_model",
        ],
    )
    print(f"loaded {items} items in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    # The graph must fit in memory while it is built (about 6 GB at 1,000,000 items).
    await connection.execute(f"SET maintenance_work_mem = '{build_memory}'")
    await connection.execute(
        "CREATE INDEX idx_items_image_embedding ON items "
        "USING hnsw (image_embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
    )
    await connection.execute(
        "CREATE INDEX idx_items_text_embedding ON items "
        "USING hnsw (text_embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
    )
    await connection.execute("ANALYZE items")
    print(f"built HNSW indexes in {time.perf_counter() - start:.0f} s")
    await connection.close()


BENCH_DIR = Path(".data/bench")


async def prewarm(url: str) -> None:
    """Steady state of a running server: the vector indexes are in shared buffers."""
    connection = await asyncpg.connect(url)
    await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
    for relation in ("idx_items_image_embedding", "idx_items_text_embedding", "items"):
        await connection.execute("SELECT pg_prewarm($1)", relation)
    await connection.close()


async def measure(url: str, queries: int, seed: int) -> None:
    await prewarm(url)
    engine = make_engine(url, pool_size=2)
    sessions = make_unit_of_work_factory(engine)
    rng = np.random.default_rng(seed + 1)
    pool = np.load(BENCH_DIR / "queries.npy")
    window = SearchWindow()
    latencies: list[float] = []
    recalls: list[float] = []
    answers: list[tuple[Query, list[uuid.UUID]]] = []
    for index in range(queries):
        # A lost report of (nearly) the same object as a stored found report.
        base = pool[rng.integers(0, len(pool))]
        vector = base + 0.3 * np.abs(rng.normal(size=base.shape)).astype(np.float32) / 30
        vector /= np.linalg.norm(vector)
        query = Query(
            item_id=uuid.uuid4(),
            user_id=uuid.uuid4(),
            type="lost",
            category=CATEGORIES[index % 8],
            date_time=NOW - timedelta(days=20),
            latitude=25.2,
            longitude=55.2,
            image_vector=vector,
            text_vector=None,
        )
        async with sessions() as session, session.begin():
            start = time.perf_counter()
            approximate = await nearest_ids(session, query, window, image_k=10, text_k=0)
            latencies.append((time.perf_counter() - start) * 1000)
        answers.append((query, approximate))
    # Exact answers afterwards: their full scans would otherwise sit between timed queries.
    for query, approximate in answers:
        async with sessions() as session, session.begin():
            await session.execute(text("SET LOCAL enable_indexscan = off"))
            exact = await nearest_ids(session, query, window, image_k=10, text_k=0)
        recalls.append(len(set(approximate) & set(exact)) / max(1, len(exact)))
    await engine.dispose()
    print(f"machine: {describe()}")
    print()
    print("| items | queries | filters | search p50 ms | search p95 ms | recall@10 vs exact |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {ITEMS} | {queries} | type, status, category, 92-day window, 50 km "
        f"| {percentile(latencies, 0.5):.1f} | {percentile(latencies, 0.95):.1f} "
        f"| {sum(recalls) / len(recalls):.3f} |"
    )
    print(f"peak RSS of this process: {peak_rss_mb():.0f} MB")


ITEMS = 0


def main() -> None:
    global ITEMS
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--build-memory", default="3GB", help="maintenance_work_mem for HNSW")
    args = parser.parse_args()
    ITEMS = args.items
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    url = start_postgres(BENCH_DIR / "postgres")
    upgrade_to_head(url)
    asyncio.run(fill(url, args.items, args.seed, args.build_memory))
    asyncio.run(measure(url, args.queries, args.seed))


if __name__ == "__main__":
    main()
