"""API CPU per request for the cheap public answers and a browse page over many open reports.

Starts `mafqood serve --no-workers` (one API process, embedded servers under .data/bench-browse),
posts a few reports with photos through the API, copies them in SQL up to --reports open reports
(each copy keeps its photos' rows), then sends each request N times from C clients and reads the
API process's own CPU time before and after. With --profile FILE the server runs under py-spy
(which must be on PATH) and its collapsed stacks of the whole run is written to FILE.

    .venv/bin/python -m scripts.bench.browse_cpu [--reports 400] [--requests 400] [--clients 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import asyncpg
import httpx
import psutil

from mafqood.core.embedded import free_port, start_postgres
from scripts.bench.api_cpu import _measure, prepare_user, wait_started
from scripts.bench.machine import describe

DATA = Path(".data/bench-browse")

# Copies of the posted reports (and their photos' rows) under new ids, spread over past days.
COPY = (
    """
    CREATE TEMP TABLE copies AS
    SELECT i.id AS old_id, gen_random_uuid() AS new_id, g
    FROM items i CROSS JOIN generate_series(1, $1::int) g
    """,
    """
    CREATE TEMP TABLE new_items AS
    SELECT i.*, c.new_id, c.g FROM items i JOIN copies c ON c.old_id = i.id
    """,
    """
    UPDATE new_items SET id = new_id, tag_code = NULL,
        created_at = created_at - interval '1 minute' * g,
        updated_at = updated_at - interval '1 minute' * g
    """,
    "ALTER TABLE new_items DROP COLUMN new_id, DROP COLUMN g",
    "INSERT INTO items ({items}) SELECT {items} FROM new_items",
    """
    CREATE TEMP TABLE new_photos AS
    SELECT p.*, c.new_id FROM item_photos p JOIN copies c ON c.old_id = p.item_id
    """,
    "UPDATE new_photos SET id = gen_random_uuid(), item_id = new_id",
    "ALTER TABLE new_photos DROP COLUMN new_id",
    "INSERT INTO item_photos ({item_photos}) SELECT {item_photos} FROM new_photos",
    "ANALYZE items",
    "ANALYZE item_photos",
)

COLUMNS = """
    SELECT quote_ident(column_name) FROM information_schema.columns
    WHERE table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position
"""


async def fill(reports: int, posted: int) -> None:
    url = start_postgres(DATA / "postgres")
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        existing = await connection.fetchval("SELECT count(*) FROM items WHERE status = 'open'")
        copies = max(0, (reports - existing) // posted)
        if copies:
            # Generated columns (the search text) are computed again, never copied.
            written = {
                table: ", ".join(row[0] for row in await connection.fetch(COLUMNS, table))
                for table in ("items", "item_photos")
            }
            async with connection.transaction():
                for template in COPY:
                    statement = template.format(**written)
                    args = (copies,) if "$1" in statement else ()
                    await connection.execute(statement, *args)
    finally:
        await connection.close()


async def run(url: str, server: subprocess.Popen[bytes], args: argparse.Namespace) -> None:
    await wait_started(url, server)
    limits = httpx.Limits(max_connections=args.clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        headers, items = await prepare_user(http)
        await fill(args.reports, len(items))
        process = psutil.Process(server.pid)
        if args.profile:
            process = process.children()[0]
        paths = {
            "GET /health": ("/health", {}),
            "GET /openapi.json": ("/openapi.json", {}),
            "GET /api/v1/items (anonymous, page of 20)": ("/api/v1/items?page_size=20", {}),
            "GET /api/v1/history (page of 5)": ("/api/v1/history", headers),
        }
        print(f"API process CPU per request; {describe()}")
        print(f"{args.requests} requests per row from {args.clients} concurrent clients\n")
        print("| request | API CPU per request | p50 | p95 |")
        print("|---|---|---|---|")
        for name, (path, extra) in paths.items():
            cpu, p50, p95 = await _measure(http, process, path, extra, args.requests, args.clients)
            print(f"| {name} | {cpu:.2f} ms | {p50:.1f} ms | {p95:.1f} ms |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=400)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--profile", help="write py-spy's collapsed stacks here")
    args = parser.parse_args()
    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(DATA),
        # One API process, so that the process measured is the one that answers.
        "API_WORKERS": "1",
        # As served: limits counted in Redis (high enough for one benchmark client), one access
        # log line per request (written to a file here).
        "RATE_LIMIT_API": "1000000/1m",
        "RATE_LIMIT_ANONYMOUS": "1000000/1m",
        "RATE_LIMIT_UPLOAD": "1000/1h",
        "BCRYPT_ROUNDS": "4",
    }
    command = [sys.executable, "-m", "mafqood.cli", "serve", "--no-workers", "--port", str(port)]
    if args.profile:
        spy = ["py-spy", "record", "--rate", "250", "--format", "raw", "-o", args.profile]
        command = [*spy, "--", *command]
    DATA.mkdir(parents=True, exist_ok=True)
    log = (DATA / "server.log").open("ab")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    try:
        asyncio.run(run(f"http://127.0.0.1:{port}", server, args))
    finally:
        server.send_signal(signal.SIGINT if args.profile else signal.SIGTERM)
        server.wait(timeout=120)


if __name__ == "__main__":
    main()
