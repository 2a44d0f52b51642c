"""Messages flowing through many open threads: the time from a send to the other side's
socket, and the API's CPU per message.

    .venv/bin/python -m scripts.bench.messages [--threads 1000] [--rate 20] [--seconds 30]
        [--load-users 0]

Seeds --threads matches, each with its thread, between two accounts (a lost report's owner
and a found report's finder), starts one API process (uvicorn with the whole app, as `mafqood
serve` runs each of its processes), and opens one WebSocket per thread for its finder side.
Then the owners send --rate messages a second in total, each to a random thread, over HTTP
(POST /api/v1/threads/{id}/messages, multipart, text only) for --seconds. Delivery is timed
from just before the POST to the moment the finder's socket has read the `new_message` event
(same process, one clock): the transaction, the notification row and outbox job, the publish
on Redis, the API's pub/sub listener and the socket write are all in it. API CPU per message
is the API process's own CPU time (user + system; not PostgreSQL's or Redis') over the
sending phase, divided by the messages sent: it includes the sockets' share of the work.

--load-users N also runs the load scenario (scripts/load/locustfile.py, N phones in one step,
headless) against the same API process while the messages flow; without vision workers their
reports answer "matching pending" (MATCH_WAIT_MS is set low for the run). No worker runs, so
pushes are not sent (their jobs wait in Redis and in outbox_jobs): a push's delivery is the
worker's time, not the API's.

It starts an embedded PostgreSQL and Redis under .data/bench-messages unless DATABASE_URL
and REDIS_URL are set. Client and server share this machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import psutil
from tests.factories import report_row
from websockets.asyncio.client import ClientConnection, connect

from mafqood.core.db import make_engine
from mafqood.core.embedded import EmbeddedRedis, free_port, start_postgres
from mafqood.core.unit_of_work import make_unit_of_work_factory
from mafqood.lifecycle.models import Match
from mafqood.messaging.models import MessageThread
from mafqood.migrations import upgrade_to_head
from mafqood.users.models import User
from mafqood.users.tokens import TokenService
from scripts.bench.machine import describe, percentile
from scripts.bench.websockets import raise_fd_limit, start_api, wait_port

BENCH_DIR = Path(".data/bench-messages")
SECRET = secrets.token_urlsafe(48)


async def seed(database_url: str, count: int) -> list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]]:
    """(thread, owner, finder) for `count` matched pairs, each with its thread."""
    engine = make_engine(database_url)
    sessions = make_unit_of_work_factory(engine)
    pairs: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]] = []
    async with sessions() as session:
        for start in range(0, count, 250):
            batch = [(uuid.uuid4(), uuid.uuid4()) for _ in range(min(250, count - start))]
            for owner, finder in batch:
                for user_id, name in ((owner, "Bench Owner"), (finder, "Bench Finder")):
                    email = f"{user_id}@bench.example"
                    session.add(User(id=user_id, email=email, password_hash="x", full_name=name))
            await session.flush()
            reports = []
            for owner, finder in batch:
                lost, found = report_row(owner, "lost"), report_row(finder, "found")
                lost.id, found.id = uuid.uuid4(), uuid.uuid4()
                session.add_all([lost, found])
                reports.append((lost.id, found.id))
            await session.flush()
            threads = []
            for lost_id, found_id in reports:
                match = Match(
                    id=uuid.uuid4(),
                    user_item_id=lost_id,
                    matched_item_id=found_id,
                    similarity_score=0.9,
                    confidence="high",
                )
                session.add(match)
                threads.append(MessageThread(id=uuid.uuid4(), match_id=match.id))
            await session.flush()
            session.add_all(threads)
            await session.commit()
            pairs += [
                (thread.id, owner, finder)
                for thread, (owner, finder) in zip(threads, batch, strict=True)
            ]
    await engine.dispose()
    return pairs


class Finder:
    """One finder's socket; records when each bench message arrived."""

    def __init__(self, user_id: uuid.UUID, arrived: dict[str, float]) -> None:
        self.user_id = user_id
        self.arrived = arrived
        self.socket: ClientConnection | None = None

    async def open(self, base: str, token: str) -> None:
        self.socket = await connect(
            f"{base}/ws/{self.user_id}?token={token}", open_timeout=60, ping_interval=None
        )
        await self.socket.send("ping")
        assert await self.socket.recv() == "pong"

    async def read(self) -> None:
        assert self.socket is not None
        async for frame in self.socket:
            event = json.loads(frame)
            if event.get("type") == "new_message":
                self.arrived[event["message"]["text"]] = time.time()


def start_load(url: str, users: int, seconds: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LOAD_STEPS": str(users),
        "LOAD_STEP_SECONDS": str(seconds),
        "LOAD_SPAWN_RATE": str(max(1, users // 5)),
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        "scripts/load/locustfile.py",
        "--headless",
        "--host",
        url,
        "--only-summary",
        "--csv",
        str(BENCH_DIR / "load"),
    ]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def flow(
    url: str,
    pairs: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]],
    tokens: dict[uuid.UUID, str],
    rate: float,
    seconds: float,
    arrived: dict[str, float],
    label: str,
) -> tuple[list[float], int, int]:
    """Sends for `seconds`; returns (latencies in ms, messages sent, refused)."""
    sent: dict[str, float] = {}
    refused = 0
    tasks = []
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:

        async def one(number: int) -> None:
            nonlocal refused
            thread_id, owner, _ = random.choice(pairs)
            text = f"{label} {number}: is there a sticker on the back?"
            sent[text] = time.time()
            response = await http.post(
                f"/api/v1/threads/{thread_id}/messages",
                data={"text": text, "client_id": f"{label}-{number}"},
                headers={"Authorization": f"Bearer {tokens[owner]}"},
            )
            if response.status_code != 201:
                refused += 1
                sent.pop(text, None)

        started = time.monotonic()
        total = int(rate * seconds)
        for number in range(total):
            delay = started + number / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(number)))
        await asyncio.gather(*tasks)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(text in arrived for text in sent):  # noqa: ASYNC110 - the readers fill `arrived`
        await asyncio.sleep(0.05)
    missing = [text for text in sent if text not in arrived]
    if missing:
        raise RuntimeError(f"{len(missing)} messages never reached the other side's socket")
    return [(arrived[text] - when) * 1000 for text, when in sent.items()], len(sent), refused


async def bench(
    args: argparse.Namespace, database_url: str, redis_url: str, data_dir: Path
) -> None:
    raise_fd_limit(args.threads * 2 + 1000)
    started = time.monotonic()
    pairs = await seed(database_url, args.threads)
    seed_s = time.monotonic() - started
    service = TokenService(SECRET, timedelta(hours=2), timedelta(days=1), timedelta(hours=1))
    tokens = {
        user: service.access_token(user, f"{user}@bench.example", False)
        for _, owner, finder in pairs
        for user in (owner, finder)
    }
    port = free_port()
    env = {
        **os.environ,
        "ENVIRONMENT": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": SECRET,
        "DATA_DIR": str(data_dir / "data"),
        "LOG_LEVEL": "WARNING",
        "TRUSTED_PROXIES": "127.0.0.1",
        "MATCH_WAIT_MS": "200",
    }
    server = start_api(port, env, "auto")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_port(port, server)
        arrived: dict[str, float] = {}
        finders = [Finder(finder, arrived) for _, _, finder in pairs]
        gate = asyncio.Semaphore(100)

        async def open_one(finder: Finder) -> None:
            async with gate:
                await finder.open(f"ws://127.0.0.1:{port}", tokens[finder.user_id])

        await asyncio.gather(*(open_one(f) for f in finders))
        readers = [asyncio.create_task(f.read()) for f in finders]
        api = psutil.Process(server.pid)
        await flow(url, pairs, tokens, args.rate, 2, arrived, "warm-up")

        rows = []
        cpu = api.cpu_times()
        latencies, count, refused = await flow(
            url, pairs, tokens, args.rate, args.seconds, arrived, "alone"
        )
        after = api.cpu_times()
        used = (after.user + after.system) - (cpu.user + cpu.system)
        rows.append(("messages only", count, refused, latencies, used / count * 1000))
        if args.load_users:
            load = start_load(url, args.load_users, int(args.seconds) + 30)
            await asyncio.sleep(20)  # the phones register and sign in first
            latencies, count, refused = await flow(
                url, pairs, tokens, args.rate, args.seconds, arrived, "loaded"
            )
            load.terminate()
            load.wait(30)
            rows.append(
                (
                    f"with {args.load_users} phones of the load scenario",
                    count,
                    refused,
                    latencies,
                    None,
                )
            )
        rss = api.memory_info().rss / 2**20
        print(
            f"machine: {describe()}; load average "
            + ", ".join(f"{value:.1f}" for value in os.getloadavg())
        )
        print(
            f"{args.threads} threads seeded in {seed_s:.1f} s; {args.threads} finder sockets "
            f"open; API process RSS {rss:.0f} MB"
        )
        print()
        print(
            "| phase | threads | messages | refused | rate/s | p50 ms | p95 ms | p99 ms "
            "| API CPU ms/message |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for phase, count, refused, samples, cpu_ms in rows:
            cpu_text = f"{cpu_ms:.1f}" if cpu_ms is not None else "—"
            print(
                f"| {phase} | {args.threads} | {count} | {refused} | {args.rate:g} "
                f"| {percentile(samples, 0.5):.1f} | {percentile(samples, 0.95):.1f} "
                f"| {percentile(samples, 0.99):.1f} | {cpu_text} |"
            )
        for reader in readers:
            reader.cancel()
        await asyncio.gather(
            *(f.socket.close() for f in finders if f.socket), return_exceptions=True
        )
    finally:
        server.terminate()
        server.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20, help="messages a second, in total")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--load-users", type=int, default=0)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    embedded_redis = None
    database_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    if not database_url:
        shutil.rmtree(BENCH_DIR / "postgres", ignore_errors=True)
        database_url = start_postgres(BENCH_DIR.resolve() / "postgres")
    if not redis_url:
        embedded_redis = EmbeddedRedis(BENCH_DIR.resolve() / "redis")
        redis_url = embedded_redis.url
    upgrade_to_head(database_url)
    try:
        asyncio.run(bench(args, database_url, redis_url, BENCH_DIR.resolve()))
    finally:
        if embedded_redis is not None:
            embedded_redis.stop()
        shutil.rmtree(BENCH_DIR / "redis", ignore_errors=True)


if __name__ == "__main__":
    main()
