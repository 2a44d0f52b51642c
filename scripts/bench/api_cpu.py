"""CPU time of the API process per read request, and its latency, for the app's read calls.

Starts `mafqood serve --no-workers` (one API process, embedded PostgreSQL and Redis in
.data/bench-api), makes one user with a few reports, then sends each read request N times from
C concurrent clients and reads the server process's own CPU time (user + system, not the
database's) before and after. Prints one table.

    .venv/bin/python -m scripts.bench.api_cpu [--requests 400] [--clients 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
from tests import images

from mafqood.core.embedded import free_port
from scripts.bench.machine import describe, percentile

DATA = Path(".data/bench-api")


async def wait_started(url: str, server: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            if server.poll() is not None:
                raise RuntimeError("server exited")
            try:
                if (await http.get(f"{url}/health")).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("server did not start")


async def prepare_user(http: httpx.AsyncClient) -> tuple[dict[str, str], list[str]]:
    email = f"bench-{time.time_ns()}@example.com"
    password = "Bench-Password-2026!"
    registered = await http.post(
        "/auth/register", json={"email": email, "password": password, "full_name": "Bench"}
    )
    assert registered.status_code == 201, registered.text
    token = registered.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    items = []
    for seed, kind in enumerate(("lost", "found", "lost", "found", "lost")):
        response = await http.post(
            f"/api/v1/{kind}",
            data={
                "title": f"Brown wallet {seed}",
                "location": "Dubai Mall",
                "latitude": "25.1972",
                "longitude": "55.2744",
                "date_time": "2026-01-03T14:30:00Z",
            },
            files={"image": ("p.jpg", images.jpeg(seed=seed), "image/jpeg")},
            headers=headers,
        )
        items.append(response.json()["item"]["id"])
    return headers, items


async def _measure(
    http: httpx.AsyncClient,
    process: psutil.Process,
    path: str,
    headers: dict[str, str],
    requests: int,
    clients: int,
) -> tuple[float, float, float]:
    """(API CPU ms per request, p50 ms, p95 ms)."""
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
            assert response.status_code == 200, response.text

    for _ in range(30):  # warm-up
        await http.get(path, headers=headers)
    before = process.cpu_times()
    await asyncio.gather(*(client() for _ in range(clients)))
    after = process.cpu_times()
    cpu_ms = ((after.user - before.user) + (after.system - before.system)) * 1000 / requests
    return cpu_ms, percentile(latencies, 0.5), percentile(latencies, 0.95)


async def run(
    url: str, pid: int, server: subprocess.Popen[bytes], args: argparse.Namespace
) -> None:
    await wait_started(url, server)
    limits = httpx.Limits(max_connections=args.clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:
        headers, items = await prepare_user(http)
        process = psutil.Process(pid)
        paths = {
            "GET /health (probes database, Redis, storage)": "/health",
            "GET /api/v1/notifications": "/api/v1/notifications",
            "GET /api/v1/history": "/api/v1/history",
            "GET /api/v1/items?near": "/api/v1/items?near=25.2,55.28&radius_km=5",
            "GET /api/v1/items/{id}": f"/api/v1/items/{items[0]}",
            "GET /api/v1/items/{id}/matches": f"/api/v1/items/{items[0]}/matches",
        }
        print(f"API process CPU per read request; {describe()}")
        print(f"{args.requests} requests per row from {args.clients} concurrent clients\n")
        print("| request | API CPU per request | p50 | p95 |")
        print("|---|---|---|---|")
        for name, path in paths.items():
            cpu, p50, p95 = await _measure(
                http, process, path, headers, args.requests, args.clients
            )
            print(f"| {name} | {cpu:.1f} ms | {p50:.1f} ms | {p95:.1f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
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
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "mafqood.cli", "serve", "--no-workers", "--port", str(port)],
        env=env,
    )
    try:
        asyncio.run(run(f"http://127.0.0.1:{port}", server.pid, server, args))
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
