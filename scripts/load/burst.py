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


def _p95(rows: list[tuple[float, str, str, float, bool]]) -> str:
    return f"{percentile([row[3] for row in rows], 0.95):.0f} ms" if rows else "-"


def main() -> None:
    with open(sys.argv[1]) as log:
        rows = [
            (float(r["time"]), r["method"], r["name"], float(r["ms"]), r["ok"] == "True")
            for r in csv.DictReader(log)
        ]
    venue = [row for row in rows if row[2] == VENUE]
    start, end = min(row[0] for row in venue), max(row[0] for row in venue)
    reads = [row for row in rows if row[1] == "GET"]
    windows = {
        "the minute before": lambda t: start - 60 <= t < start,
        f"during ({end - start:.0f} s)": lambda t: start <= t <= end,
        "the minute after": lambda t: end < t <= end + 60,
    }
    print("Read p95 before, during and after the venue's burst (requests in brackets)\n")
    print("| read | " + " | ".join(windows) + " |\n|---|" + "---|" * len(windows))
    for name in [*sorted({row[2] for row in reads}), "all reads"]:
        selected = [row for row in reads if name in (row[2], "all reads")]
        cells = []
        for inside in windows.values():
            window = [row for row in selected if inside(row[0])]
            cells.append(f"{_p95(window)} ({len(window)})")
        print(f"| {name} | " + " | ".join(cells) + " |")
    failed = sum(not row[4] for row in rows)
    ms = [row[3] for row in venue]
    print(
        f"\nthe venue's {len(venue)} found reports: p50 {percentile(ms, 0.5):.0f} ms,"
        f" p95 {percentile(ms, 0.95):.0f} ms; failed requests in the run: {failed}"
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
