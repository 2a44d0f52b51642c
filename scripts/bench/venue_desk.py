"""A venue desk's day, measured: batch intake of real phone photos, then the inventory,
labels, reports and the dashboard's pages over what was taken in.

Starts `mafqood serve --no-workers` (one API process, embedded PostgreSQL and Redis in
.data/bench-venue; the vision workers' analysis is measured by vision_workers.py), makes a
venue, posts BATCHES intake requests of 10 photos each from CLIENTS staff members at once
(photos from ../shared/eval/smvs_dev50, read there, never copied), then times each read
request N times. Prints one table.

    .venv/bin/python -m scripts.bench.venue_desk [--batches 25] [--clients 3] [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from mafqood.core.embedded import free_port
from scripts.bench.api_cpu import wait_started
from scripts.bench.machine import describe, percentile

DATA = Path(".data/bench-venue")
PHOTOS = Path("../shared/eval/smvs_dev50")
PASSWORD = "Bench-Password-2026!"
BATCH = 10


async def _account(http: httpx.AsyncClient, name: str) -> dict[str, str]:
    email = f"{name}-{time.time_ns()}@example.com"
    response = await http.post(
        "/auth/register", json={"email": email, "password": PASSWORD, "full_name": name}
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _photos() -> list[bytes]:
    files = sorted(PHOTOS.rglob("*.jpg"))
    if not files:
        raise SystemExit(f"no photos under {PHOTOS}")
    return [path.read_bytes() for path in files]


async def _intake(
    http: httpx.AsyncClient,
    venue: str,
    staff: list[dict[str, str]],
    photos: list[bytes],
    batches: int,
) -> tuple[list[float], float, int]:
    """(latency per batch in ms, wall seconds, items created)."""
    cycle = itertools.cycle(photos)
    latencies: list[float] = []
    created = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(batches):
        queue.put_nowait(number)

    async def member(headers: dict[str, str]) -> None:
        nonlocal created
        while not queue.empty():
            number = queue.get_nowait()
            entries = [
                {
                    "photo": f"p{i}",
                    "title": f"Found item {number}-{i}",
                    "category": ("wallet", "bag", "phone", "keys", "other")[i % 5],
                    "storage_location": f"Room {'ABC'[number % 3]} / shelf {i % 4}",
                }
                for i in range(BATCH)
            ]
            files = [(f"p{i}", (f"p{i}.jpg", next(cycle), "image/jpeg")) for i in range(BATCH)]
            start = time.perf_counter()
            response = await http.post(
                f"/api/v1/venues/{venue}/items",
                data={"items": json.dumps(entries)},
                files=files,
                headers=headers,
            )
            latencies.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 201, response.text
            created += response.json()["created"]

    start = time.perf_counter()
    await asyncio.gather(*(member(headers) for headers in staff))
    return latencies, time.perf_counter() - start, created


async def _reads(
    http: httpx.AsyncClient, path: str, headers: dict[str, str], requests: int, clients: int
) -> tuple[float, float]:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(requests):
        queue.put_nowait(number)

    async def client() -> None:
        while not queue.empty():
            queue.get_nowait()
            start = time.perf_counter()
            response = await http.get(path, headers=headers)
            latencies.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.text)

    for _ in range(10):
        await http.get(path, headers=headers)
    await asyncio.gather(*(client() for _ in range(clients)))
    return percentile(latencies, 0.5), percentile(latencies, 0.95)


async def run(url: str, server: subprocess.Popen[bytes], args: argparse.Namespace) -> None:
    await wait_started(url, server)
    photos = _photos()
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        owner = await _account(http, "owner")
        venue = await http.post(
            "/api/v1/venues",
            json={
                "name": "Bench Mall",
                "location": "Bench Mall",
                "location_type": "mall",
                "latitude": 25.1972,
                "longitude": 55.2744,
                "desk_phone": "+97143627500",
            },
            headers=owner,
        )
        venue_id = venue.json()["id"]
        # Several desks signed in to one account (members join by mailed invitation, which a
        # benchmark cannot read); the code path and its checks are a member's.
        staff = [owner] * args.clients
        latencies, wall, created = await _intake(http, venue_id, staff, photos, args.batches)
        listing = await http.get(f"/api/v1/venues/{venue_id}/items", headers=owner)
        first = listing.json()["items"][0]
        # The dashboard reads the same access token from its session cookie.
        cookie = {"Cookie": f"mafqood_staff={owner['Authorization'].removeprefix('Bearer ')}"}
        rss = psutil.Process(server.pid).memory_info().rss / 2**20
        print(f"Venue desk; {describe()}")
        print(
            f"intake: {args.batches} requests of {BATCH} SMVS phone photos "
            f"({sum(map(len, photos)) / len(photos) / 1024:.0f} KB on average) from "
            f"{args.clients} desks at once; reads: {args.requests} requests from "
            f"{args.clients} clients over {created} items\n"
        )
        print("| request | p50 | p95 | other |")
        print("|---|---|---|---|")
        print(
            f"| POST /venues/{{id}}/items (10 photos) | {percentile(latencies, 0.5):.0f} ms | "
            f"{percentile(latencies, 0.95):.0f} ms | {created / wall:.1f} items/s |"
        )
        base = f"/api/v1/venues/{venue_id}"
        reads = {
            "GET items (newest page)": (f"{base}/items", owner),
            "GET items?q=words": (f"{base}/items?q=found+item+12", owner),
            "GET items?q=tag code": (f"{base}/items?q={first['tag_code']}", owner),
            "GET items?storage_location&category": (
                f"{base}/items?storage_location=room+b&category=wallet",
                owner,
            ),
            "GET items?has_matches=false": (f"{base}/items?has_matches=false", owner),
            "GET items/{id}/label (PNG)": (f"{base}/items/{first['id']}/label", owner),
            "GET items/{id}/label?format=pdf": (
                f"{base}/items/{first['id']}/label?format=pdf",
                owner,
            ),
            "GET reports (30 days)": (f"{base}/reports", owner),
            "GET reports?format=csv": (f"{base}/reports?format=csv", owner),
            "GET /staff/venues/{id} (inventory page)": (f"/staff/venues/{venue_id}", cookie),
            "GET /staff/venues/{id}/items/{item} (item page)": (
                f"/staff/venues/{venue_id}/items/{first['id']}",
                cookie,
            ),
        }
        for name, (path, headers) in reads.items():
            p50, p95 = await _reads(http, path, headers, args.requests, args.clients)
            print(f"| {name} | {p50:.1f} ms | {p95:.1f} ms | |")
        print(f"\nAPI process memory (RSS) at the end: {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    # 25 x 10 = every SMVS photo once (a desk never posts one photo twice: duplicates are
    # refused per entry).
    parser.add_argument("--batches", type=int, default=25)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(DATA),
        # One API process, so that the process measured is the one that answers.
        "API_WORKERS": "1",
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "BCRYPT_ROUNDS": "4",
        "ENVIRONMENT": "development",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "mafqood.cli", "serve", "--no-workers", "--port", str(port)],
        env=env,
    )
    try:
        asyncio.run(run(f"http://127.0.0.1:{port}", server, args))
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
