"""Prints one table from a locust run's CSV (`--csv PREFIX`): per request, how many, how many
failed, and latency percentiles over the whole run; reads and report submissions apart.

    .venv/bin/python -m scripts.load.summary .data/load/ramp
"""

from __future__ import annotations

import csv
import sys

SUBMISSIONS = ("/api/v1/lost", "/api/v1/found", "/api/v1/found (venue)")
SIGN_UP = ("/auth/register", "/auth/login")


def main() -> None:
    prefix = sys.argv[1]
    with open(f"{prefix}_stats.csv") as stats:
        rows = list(csv.DictReader(stats))
    print("| request | count | failed | p50 | p95 | p99 | max |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        name = row["Name"]
        kind = (
            "submission"
            if name in SUBMISSIONS
            else "sign-up"
            if name in SIGN_UP
            else "all"
            if name == "Aggregated"
            else "read"
        )
        label = f"{row['Type']} {name}".strip() if name != "Aggregated" else "all requests"
        print(
            f"| {label} ({kind}) | {row['Request Count']} | {row['Failure Count']} |"
            f" {row['50%']} ms | {row['95%']} ms | {row['99%']} ms |"
            f" {float(row['Max Response Time']):.0f} ms |"
        )


if __name__ == "__main__":
    main()
