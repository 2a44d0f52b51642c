"""Read latency before and during a venue's burst of found reports, from a locust request log
(LOAD_REQUEST_LOG): reads (GET) in the minute before the venue's first report, reads from its
first to its last report, and the venue's own answers; then, from the service's database
(DATA_DIR or DATABASE_URL, as for the service), how long the vision workers took to drain
the queue: from the venue's first report until every report made during the burst was
analysed.

    DATA_DIR=.data/load .venv/bin/python -m scripts.load.burst .data/load/burst-requests.csv
"""

from __future__ import annotations

import asyncio
import csv
import sys
from datetime import UTC, datetime

import asyncpg
from scripts.bench.machine import percentile

from mafqood.core.config import get_settings
from mafqood.core.embedded import start_postgres

VENUE = "/api/v1/found (venue)"


def main() -> None:
    with open(sys.argv[1]) as log:
        rows = [
            (float(r["time"]), r["method"], r["name"], float(r["ms"]), r["ok"] == "True")
            for r in csv.DictReader(log)
        ]
    venue = [row for row in rows if row[2] == VENUE]
    start, end = min(row[0] for row in venue), max(row[0] for row in venue)
    windows = {
        "reads, the minute before the burst": [
            row for row in rows if row[1] == "GET" and start - 60 <= row[0] < start
        ],
        f"reads during the burst ({end - start:.0f} s)": [
            row for row in rows if row[1] == "GET" and start <= row[0] <= end
        ],
        "the venue's found reports (201)": venue,
    }
    print("| requests | count | failed | p50 | p95 | p99 |\n|---|---|---|---|---|---|")
    for name, selected in windows.items():
        ms = [row[3] for row in selected]
        failed = sum(not row[4] for row in selected)
        print(
            f"| {name} | {len(ms)} | {failed} | {percentile(ms, 0.5):.0f} ms |"
            f" {percentile(ms, 0.95):.0f} ms | {percentile(ms, 0.99):.0f} ms |"
        )

    settings = get_settings()
    url = settings.database_url or start_postgres(settings.data_dir / "postgres")
    drained = asyncio.run(_last_analysed(url, end))
    print(f"\nqueue drained {(drained - start):.0f} s after the venue's first report")


async def _last_analysed(url: str, end: float) -> float:
    connection = await asyncpg.connect(url)
    try:
        last: datetime = await connection.fetchval(
            "SELECT max(analysed_at) FROM items WHERE created_at <= $1",
            datetime.fromtimestamp(end, UTC),
        )
        waiting = await connection.fetchval(
            "SELECT count(*) FROM items WHERE created_at <= $1 AND analysis_status = 'pending'",
            datetime.fromtimestamp(end, UTC),
        )
    finally:
        await connection.close()
    assert waiting == 0, f"{waiting} reports of the burst still pending"
    return last.timestamp()


if __name__ == "__main__":
    main()
