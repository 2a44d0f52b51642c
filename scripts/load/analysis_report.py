"""After a load run: were all reports analysed, and how long did they wait for their matches?

Reads the database of the service that was loaded (the embedded one in DATA_DIR, default
.data, or DATABASE_URL) and prints one table: reports by analysis state, and the time from a
report's submission to its stored matches (p50 / p95 / max) for all reports and for those
of the last N minutes (--minutes).

    .venv/bin/python -m scripts.load.analysis_report [--minutes 10]
"""

from __future__ import annotations

import argparse
import asyncio

import asyncpg

from mafqood.core.config import get_settings
from mafqood.core.embedded import start_postgres


async def report(url: str, minutes: float) -> None:
    connection = await asyncpg.connect(url)
    try:
        states = await connection.fetch(
            "SELECT analysis_status, count(*) FROM items"
            " WHERE created_at > now() - make_interval(mins => $1) GROUP BY 1 ORDER BY 1",
            minutes,
        )
        waits = await connection.fetchrow(
            "SELECT count(*) AS n,"
            " percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) AS p50,"
            " percentile_cont(0.95) WITHIN GROUP (ORDER BY wait) AS p95, max(wait) AS max"
            " FROM (SELECT extract(epoch FROM analysed_at - created_at) AS wait FROM items"
            "  WHERE analysed_at IS NOT NULL"
            "  AND created_at > now() - make_interval(mins => $1)) AS w",
            minutes,
        )
    finally:
        await connection.close()
    print(f"Reports of the last {minutes:g} minutes")
    print("\n| analysis state | reports |\n|---|---|")
    for row in states:
        print(f"| {row[0]} | {row[1]} |")
    print("\n| submission to stored matches | reports | p50 | p95 | max |\n|---|---|---|---|---|")
    if waits["n"]:
        print(
            f"| analysed reports | {waits['n']} | {waits['p50']:.2f} s | {waits['p95']:.2f} s"
            f" | {waits['max']:.2f} s |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    args = parser.parse_args()
    settings = get_settings()
    url = settings.database_url or start_postgres(settings.data_dir / "postgres")
    asyncio.run(report(url, args.minutes))


if __name__ == "__main__":
    main()
