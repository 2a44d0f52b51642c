"""Admin statistics on a large database: the time of GET /api/v1/admin/stats' queries.

Fills a throw-away embedded PostgreSQL (kept under .data/bench-stats between runs) with a year
of activity: 20,000 users, 60,000 logins, 100,000 items and a match for every lost item, with
answers in the usual proportions; then times the statistics of the last 24 hours, the last
30 days and the whole year (median of a few runs), and lists the indexes each query uses.

    .venv/bin/python -m scripts.bench.admin_stats [--items 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.sql.elements import TextClause

from mafqood.admin import stats
from mafqood.core.db import async_url
from mafqood.core.embedded import start_postgres
from mafqood.core.unit_of_work import UnitOfWork, make_unit_of_work_factory
from mafqood.migrations import upgrade_to_head
from scripts.bench.machine import describe, percentile

BENCH_DIR = Path(".data/bench-stats")
YEAR = timedelta(days=365)

# Set-based fill: rows spread evenly over the year before `now`; every lost item (odd n) is
# matched with the found item posted just before it, a few minutes to a day later.
FILL = (
    """
    INSERT INTO users (email, password_hash, full_name, created_at)
    SELECT 'user' || n || '@bench.test', 'x', 'Bench User',
           now() - interval '365 days' * n / :users
    FROM generate_series(1, :users) n
    """,
    """
    INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, created_at)
    SELECT u.ids[n % :users + 1], gen_random_uuid(), md5(random()::text || n),
           now() + interval '30 days', now() - interval '365 days' * random()
    FROM generate_series(1, :users * 3) n, (SELECT array_agg(id) ids FROM users) u
    """,
    """
    INSERT INTO items (user_id, type, status, title, category, image_url, location,
                       date_time, contact_method, created_at, updated_at)
    SELECT u.ids[n % :users + 1], CASE WHEN n % 2 = 1 THEN 'lost' ELSE 'found' END,
           (ARRAY['open', 'open', 'matched', 'closed', 'claimed'])[n % 5 + 1],
           'Item ' || n, 'wallet', 'https://cdn.test/x.jpg', 'Dubai Mall',
           at, 'in_app', at, at
    FROM generate_series(1, :items) n
    CROSS JOIN LATERAL (SELECT now() - interval '365 days' * (:items - n) / :items AS at) t
    CROSS JOIN (SELECT array_agg(id) ids FROM users) u
    """,
    """
    INSERT INTO matches (user_item_id, matched_item_id, similarity_score, status,
                         user_item_owner_confirmed, matched_item_owner_confirmed,
                         created_at, updated_at)
    SELECT lost.id, found.id, 0.8,
           (ARRAY['pending', 'contacted', 'rejected', 'contacted', 'claimed'])[k % 5 + 1],
           (ARRAY[NULL, true, false, true, true])[k % 5 + 1],
           (ARRAY[NULL, true, NULL, true, true])[k % 5 + 1],
           lost.created_at + interval '1 minute' * (k % 1440),
           lost.created_at + interval '1 minute' * (k % 1440) + interval '1 hour' * (k % 48)
    FROM (SELECT id, created_at, row_number() OVER (ORDER BY created_at) k
          FROM items WHERE type = 'lost') lost
    JOIN LATERAL (SELECT id FROM items WHERE type = 'found' AND created_at <= lost.created_at
                  ORDER BY created_at DESC LIMIT 1) found ON true
    """,
)

QUERIES: dict[str, TextClause] = {
    "registrations": stats._USERS,
    "active users": stats._ACTIVE,
    "items": stats._ITEMS,
    "delays": stats._DELAYS,
    "matches": stats._MATCHES,
    "reunions": stats._REUNIONS,
}


async def fill(session: UnitOfWork, items: int) -> None:
    if (await session.scalar(text("SELECT count(*) FROM items"))) >= items:
        return
    await session.execute(text("TRUNCATE users CASCADE"))
    for statement in FILL:
        await session.execute(text(statement), {"users": 20_000, "items": items})
    await session.commit()
    await session.execute(text("ANALYZE"))


def _indexes(plan: Any) -> set[str]:
    found = set()
    if isinstance(plan, dict):
        if "Index Name" in plan:
            found.add(plan["Index Name"])
        for value in plan.values():
            found |= _indexes(value)
    elif isinstance(plan, list):
        for value in plan:
            found |= _indexes(value)
    return found


async def indexes_used(session: UnitOfWork, end: datetime) -> dict[str, set[str]]:
    params = {
        "start": end - stats.MONTH,
        "end": end,
        "day_start": end - stats.DAY,
        "month_start": end - stats.MONTH,
    }
    used = {}
    for name, query in QUERIES.items():
        explain = text("EXPLAIN (FORMAT JSON) " + query.text)
        plan = await session.scalar(explain, params)
        used[name] = _indexes(json.loads(plan) if isinstance(plan, str) else plan)
    return used


async def timed(session: UnitOfWork, start: datetime, end: datetime, runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        await stats.compute(session, start, end)
        samples.append((time.perf_counter() - began) * 1000)
    return percentile(samples, 0.5)


async def run(url: str, items: int, runs: int) -> None:
    engine = create_async_engine(async_url(url))
    sessions = make_unit_of_work_factory(engine)
    async with sessions() as session:
        began = time.perf_counter()
        await fill(session, items)
        print(f"filled in {time.perf_counter() - began:.0f} s; {describe()}\n")
        end = datetime.now(UTC)
        print("| period | items in period | p50 (ms) |")
        print("|---|---:|---:|")
        for label, length in (
            ("24 hours", stats.DAY),
            ("30 days", stats.MONTH),
            ("365 days", YEAR),
        ):
            start = end - length
            count = await session.scalar(
                text("SELECT count(*) FROM items WHERE created_at >= :s AND created_at < :e"),
                {"s": start, "e": end},
            )
            print(f"| {label} | {count:,} | {await timed(session, start, end, runs):.1f} |")
        print("\n| query (30 days) | indexes used |\n|---|---|")
        for name, used in (await indexes_used(session, end)).items():
            print(f"| {name} | {', '.join(sorted(used)) or 'none'} |")
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = start_postgres(BENCH_DIR / "postgres")
    upgrade_to_head(url)
    asyncio.run(run(url, args.items, args.runs))


if __name__ == "__main__":
    main()
