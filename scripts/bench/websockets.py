"""Real-time fan-out: many concurrent WebSocket connections to a real uvicorn server running
the API, and the time one event takes to reach all of them.

    .venv/bin/python -m scripts.bench.websockets [--connections 1000] [--rounds 20]

(Run it with -m: as a plain script its own name would hide the `websockets` library.)

Each connection is a different signed-in user on /ws/{user_id}. Two ways an event goes out:
- one user: one publish on that user's channel (a notification; a different user each round);
- broadcast: one publish on Redis reaches every socket (system announcements);
- per user: one publish per user's channel, all in one pipeline (a notification to each).
Latency is measured from just before the publish to the moment the client has read the
frame, in the same process (one clock). Client and server share this machine's cores.

It starts an embedded PostgreSQL and Redis under .data/bench-websockets unless DATABASE_URL
and REDIS_URL are set, and a uvicorn child process with the API.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil
from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection, connect

from mafqood.core.db import make_engine
from mafqood.core.embedded import EmbeddedRedis, free_port, start_postgres
from mafqood.migrations import upgrade_to_head
from mafqood.realtime.bus import BROADCAST_CHANNEL, encode, user_channel
from mafqood.users.tokens import TokenService
from scripts.bench.machine import describe, percentile

BENCH_DIR = Path(".data/bench-websockets")
SCENARIOS = {
    "single": "one user (1 publish)",
    "broadcast": "everyone (1 broadcast publish)",
    "per_user": "everyone (1 publish per user)",
}
SECRET = secrets.token_urlsafe(48)


def raise_fd_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(wanted, soft)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


async def create_users(database_url: str, count: int) -> list[uuid.UUID]:
    from sqlalchemy import text

    ids = [uuid.uuid4() for _ in range(count)]
    engine = make_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO users (id, email, password_hash, full_name) "
                "SELECT id, 'bench-' || id || '@example.com', 'x', 'Bench User' "
                "FROM unnest(CAST(:ids AS uuid[])) AS id"
            ),
            {"ids": ids},
        )
    await engine.dispose()
    return ids


def start_api(port: int, env: dict[str, str], ws: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "mafqood.main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--backlog",
        "4096",
        "--ws",
        ws,
    ]
    return subprocess.Popen(command, env=env)


def wait_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the API server exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the API server did not start")


class Arrivals:
    """Counts, per event, how many sockets have read it."""

    def __init__(self) -> None:
        self.expected: dict[tuple[str, int], int] = {}
        self.counts: dict[tuple[str, int], int] = {}
        self.complete: dict[tuple[str, int], asyncio.Event] = {}

    def expect(self, key: tuple[str, int], count: int) -> asyncio.Event:
        self.expected[key] = count
        return self.complete.setdefault(key, asyncio.Event())

    def arrived(self, key: tuple[str, int]) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1
        if self.counts[key] == self.expected.get(key):
            self.complete[key].set()


class Client:
    def __init__(self, user_id: uuid.UUID, arrivals: Arrivals) -> None:
        self.user_id = user_id
        self.socket: ClientConnection | None = None
        self.received: dict[tuple[str, int], float] = {}
        self.arrivals = arrivals

    async def open(self, base: str, token: str) -> None:
        self.socket = await connect(
            f"{base}/ws/{self.user_id}?token={token}", open_timeout=60, ping_interval=None
        )
        await self.socket.send("ping")
        assert await self.socket.recv() == "pong"

    async def read(self) -> None:
        assert self.socket is not None
        async for frame in self.socket:
            now = time.time()
            event = json.loads(frame)
            key = (event["scenario"], event["round"])
            self.received[key] = now - event["sent_at"]
            self.arrivals.arrived(key)


async def run_round(
    redis: Redis, clients: list[Client], arrivals: Arrivals, scenario: str, number: int
) -> list[float]:
    key = (scenario, number)
    if scenario == "single":
        clients = [clients[number % len(clients)]]
    everyone = arrivals.expect(key, len(clients))
    event: dict[str, Any] = {"type": "bench", "scenario": scenario, "round": number}
    event["sent_at"] = time.time()
    if scenario == "broadcast":
        await redis.publish(BROADCAST_CHANNEL, encode(event))
    else:
        async with redis.pipeline(transaction=False) as pipe:
            for client in clients:
                pipe.publish(user_channel(client.user_id), encode(event))
            await pipe.execute()
    try:
        await asyncio.wait_for(everyone.wait(), 30)
    except TimeoutError as exc:
        raise RuntimeError(f"{scenario} round {number}: not every socket got it") from exc
    return [client.received[key] * 1000 for client in clients]


async def bench(
    args: argparse.Namespace, database_url: str, redis_url: str, data_dir: Path
) -> None:
    fd_limit = raise_fd_limit(args.connections * 2 + 1000)
    user_ids = await create_users(database_url, args.connections)
    tokens = TokenService(SECRET, timedelta(hours=2), timedelta(days=1), timedelta(hours=1))

    port = free_port()
    env = {
        **os.environ,
        "ENVIRONMENT": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": SECRET,
        "DATA_DIR": str(data_dir / "data"),
        "LOG_LEVEL": "WARNING",
    }
    server = start_api(port, env, args.ws)
    redis = Redis.from_url(redis_url)
    try:
        wait_port(port, server)
        base = f"ws://127.0.0.1:{port}"
        arrivals = Arrivals()
        clients = [Client(user_id, arrivals) for user_id in user_ids]
        gate = asyncio.Semaphore(100)

        async def open_one(client: Client) -> None:
            async with gate:
                await client.open(base, tokens.access_token(client.user_id, "x@y", False))

        started = time.monotonic()
        await asyncio.gather(*(open_one(c) for c in clients))
        connect_s = time.monotonic() - started
        readers = [asyncio.create_task(c.read()) for c in clients]
        server_rss = psutil.Process(server.pid).memory_info().rss / 2**20

        results: dict[str, list[float]] = {}
        lasts: dict[str, list[float]] = {}
        for scenario in SCENARIOS:
            await run_round(redis, clients, arrivals, scenario, -1)  # warm-up
            samples: list[float] = []
            last: list[float] = []
            for number in range(args.rounds):
                latencies = await run_round(redis, clients, arrivals, scenario, number)
                samples.extend(latencies)
                last.append(max(latencies))
                await asyncio.sleep(0.05)
            results[scenario] = samples
            lasts[scenario] = last

        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"machine: {describe()}; fd limit {fd_limit}; load average {load}")
        print(
            f"{args.connections} connections open in {connect_s:.1f} s "
            f"(authenticated, registered); API process RSS {server_rss:.0f} MB"
        )
        print()
        print("| delivery | connections | rounds | p50 ms | p95 ms | p99 ms | last socket p50 ms |")
        print("|---|---|---|---|---|---|---|")
        for scenario, samples in results.items():
            label = SCENARIOS[scenario]
            print(
                f"| {label} | {args.connections} | {args.rounds} "
                f"| {percentile(samples, 0.5):.1f} | {percentile(samples, 0.95):.1f} "
                f"| {percentile(samples, 0.99):.1f} | {percentile(lasts[scenario], 0.5):.1f} |"
            )
        for reader in readers:
            reader.cancel()
        await asyncio.gather(
            *(c.socket.close() for c in clients if c.socket), return_exceptions=True
        )
    finally:
        await redis.aclose()
        server.terminate()
        server.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--ws", default="auto", help="uvicorn's WebSocket implementation (auto: as deployed)"
    )
    parser.add_argument("--keep", action="store_true", help="keep .data/bench-websockets")
    args = parser.parse_args()
    data_dir = BENCH_DIR.resolve()
    embedded_redis = None
    database_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    if not database_url:
        database_url = start_postgres(data_dir / "postgres")
    if not redis_url:
        embedded_redis = EmbeddedRedis(data_dir / "redis")
        redis_url = embedded_redis.url
    upgrade_to_head(database_url)
    try:
        asyncio.run(bench(args, database_url, redis_url, data_dir))
    finally:
        if embedded_redis is not None:
            embedded_redis.stop()
        if not args.keep:
            shutil.rmtree(data_dir / "redis", ignore_errors=True)


if __name__ == "__main__":
    main()
