"""Periodic jobs, the outbox drain, the beat schedule, and `mafqood serve` running API +
worker + beat."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psutil
from fastapi import FastAPI
from sqlalchemy import select, update
from websockets.asyncio.client import ClientConnection, connect

from mafqood.auth.tasks import purge_refresh_tokens
from mafqood.composition.container import Container
from mafqood.core.embedded import free_port
from mafqood.lifecycle.models import Match
from mafqood.lifecycle.tasks import expire_matches
from mafqood.photos import tasks as photo_tasks
from mafqood.realtime import events
from mafqood.storage import LocalStorage, S3Storage
from mafqood.users.models import RefreshToken
from mafqood.worker.app import DELIVER_NOTIFICATION, PING, create_celery
from mafqood.worker.outbox import OutboxJob
from mafqood.worker.tasks import drain_outbox
from tests.conftest import Servers, make_settings
from tests.factories import register, wait_for
from tests.notifications.conftest import FakeFcm, insert_item, insert_match, worker_env


async def test_stale_pending_matches_expire(
    client: httpx.AsyncClient, container: Container
) -> None:
    loser = await register(client)
    finder = await register(client)
    lost = [await insert_item(container, loser.id, "lost", f"Lost {n}") for n in range(3)]
    found = [await insert_item(container, finder.id, "found", f"Found {n}") for n in range(3)]
    stale = await insert_match(container, lost[0], found[0])
    fresh = await insert_match(container, lost[1], found[1])
    confirmed = await insert_match(container, lost[2], found[2])
    old = datetime.now(UTC) - timedelta(days=31)
    async with container.sessionmaker() as session:
        await session.execute(
            update(Match).where(Match.id.in_([stale, confirmed])).values(updated_at=old)
        )
        await session.execute(update(Match).where(Match.id == confirmed).values(status="contacted"))
        await session.commit()
    assert await expire_matches(container) == 1
    async with container.sessionmaker() as session:
        statuses = dict((await session.execute(select(Match.id, Match.status))).all())
    assert statuses == {stale: "expired", fresh: "pending", confirmed: "contacted"}


async def test_expired_refresh_tokens_are_purged(
    client: httpx.AsyncClient, container: Container
) -> None:
    first = await register(client)
    await register(client)
    async with container.sessionmaker() as session:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == uuid.UUID(first.id))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()
    assert await purge_refresh_tokens(container) == 1
    async with container.sessionmaker() as session:
        left = list(await session.scalars(select(RefreshToken.user_id)))
    assert len(left) == 1 and str(left[0]) != first.id


async def test_temporary_uploads_older_than_a_day_are_deleted(container: Container) -> None:
    storage = container.storage
    assert isinstance(storage, LocalStorage)
    for key in ("temp/old.jpg", "temp/old_thumb.jpg", "temp/new.jpg", "items/x/old.jpg"):
        await storage.put(key, b"jpeg", "image/jpeg")
    two_days_ago = time.time() - 48 * 3600
    for key in ("temp/old.jpg", "temp/old_thumb.jpg", "items/x/old.jpg"):
        os.utime(storage.path(key), (two_days_ago, two_days_ago))
    assert await photo_tasks.delete_temp_uploads(container) == 2
    assert not await storage.exists("temp/old.jpg")
    assert await storage.exists("temp/new.jpg")
    assert await storage.exists("items/x/old.jpg")
    await storage.delete(["temp/new.jpg", "items/x/old.jpg"])


async def test_temporary_uploads_in_s3_are_listed_by_age(s3_app: FastAPI) -> None:
    storage = s3_app.state.container.storage
    assert isinstance(storage, S3Storage)
    await storage.put("temp/a.jpg", b"jpeg", "image/jpeg")
    await storage.put("items/b.jpg", b"jpeg", "image/jpeg")
    later = datetime.now(UTC) + timedelta(hours=1)
    assert photo_tasks._old_s3_objects(storage, later) == ["temp/a.jpg"]
    assert photo_tasks._old_s3_objects(storage, later - timedelta(hours=2)) == []
    await storage.delete(["temp/a.jpg", "items/b.jpg"])


async def test_drain_sends_only_due_jobs_and_backs_off(container: Container) -> None:
    now = datetime.now(UTC)
    due, waiting, dead = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with container.sessionmaker() as session:
        for job_id, available_at, attempts in (
            (due, now - timedelta(seconds=1), 0),
            (waiting, now + timedelta(minutes=5), 0),
            (dead, now - timedelta(seconds=1), container.settings.outbox_max_attempts),
        ):
            session.add(
                OutboxJob(
                    id=job_id,
                    task=DELIVER_NOTIFICATION,
                    payload={"notification_id": str(uuid.uuid4())},
                    attempts=attempts,
                    available_at=available_at,
                )
            )
        await session.commit()
    assert await drain_outbox(container) == 1
    async with container.sessionmaker() as session:
        job = await session.get(OutboxJob, due)
        assert job is not None and job.attempts == 1
        assert job.available_at > now + timedelta(seconds=60)
    # Sent again now, it is not due any more.
    assert await drain_outbox(container) == 0


def test_beat_schedules_every_periodic_job(servers: Servers) -> None:
    celery = create_celery(make_settings(servers, outbox_drain_interval_seconds=15))
    schedule = celery.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {
        "mafqood.drain_outbox",
        "mafqood.expire_notifications",
        "mafqood.expire_matches",
        "mafqood.delete_temp_uploads",
        "mafqood.purge_refresh_tokens",
        "mafqood.sweep_unanalysed",
        "mafqood.retention_notices",
        "mafqood.purge_ended_threads",
        "mafqood.purge_web_reports",
    }
    assert schedule["drain-outbox"]["schedule"] == timedelta(seconds=15)
    assert celery.conf.task_acks_late is True


def _start_serve(
    servers: Servers, fcm_server: tuple[FakeFcm, Path], tmp_path: Path, api_workers: int = 2
) -> tuple[subprocess.Popen[bytes], int]:
    fake, credentials = fcm_server
    port = free_port()
    env = worker_env(
        servers,
        fake,
        credentials,
        DATA_DIR=str(tmp_path),
        WORKER_POOL="prefork",
        WORKER_CONCURRENCY="1",
        VISION_WORKERS="1",
        VISION_WORKER_CONCURRENCY="1",
        API_WORKERS=str(api_workers),
        LOG_LEVEL="WARNING",
    )
    with (tmp_path / "serve.log").open("wb") as log:
        serve = subprocess.Popen(
            [sys.executable, "-m", "mafqood.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return serve, port


async def _serving(serve: subprocess.Popen[bytes], port: int, tmp_path: Path) -> list[str]:
    """Wait until the API answers and every child runs; returns the children's commands."""
    async with httpx.AsyncClient() as http:

        async def healthy() -> bool:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                response = await http.get(f"http://127.0.0.1:{port}/health")
            except httpx.TransportError:
                return False
            return response.status_code == 200

        await wait_for(healthy, timeout=60, interval=0.3)

    def commands() -> list[str]:
        return [" ".join(c.cmdline()) for c in psutil.Process(serve.pid).children()]

    async def all_started() -> list[str]:
        found = commands()
        workers = [c for c in found if "mafqood.cli" in c]
        return found if len(workers) == 3 else []

    return list(await wait_for(all_started, timeout=30, interval=0.3))


def _api_processes(serve: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """The API processes uvicorn started for `serve` (multiprocessing's spawn children)."""
    return [
        child
        for child in psutil.Process(serve.pid).children()
        if "multiprocessing.spawn" in " ".join(child.cmdline())
    ]


async def test_serve_runs_api_workers_and_beat_and_stops_them(
    servers: Servers,
    container: Container,
    fcm_server: tuple[FakeFcm, Path],
    tmp_path: Path,
) -> None:
    serve, port = _start_serve(servers, fcm_server, tmp_path)
    try:
        commands = await _serving(serve, port, tmp_path)
        assert any("worker --pool prefork --concurrency 1" in c for c in commands), commands
        assert any("worker --queues vision" in c for c in commands), commands
        assert any("mafqood.cli beat" in c for c in commands), commands
        # API_WORKERS=2: two API processes share the socket, at normal priority; the vision
        # worker is niced below them.
        api = _api_processes(serve)
        assert len(api) == 2, commands
        vision = next(
            c
            for c in psutil.Process(serve.pid).children()
            if "--queues vision" in " ".join(c.cmdline())
        )
        assert vision.nice() > max(p.nice() for p in api)
        # The worker consumes tasks.
        key = f"test:serve:{uuid.uuid4()}"

        async def answered() -> bool:
            await container.tasks.send(PING, [key])
            return bool(await container.redis.get(key))

        await wait_for(answered, timeout=60, interval=1.0)
        await _events_reach_sockets_on_both_api_processes(container, port, api)
        descendants = psutil.Process(serve.pid).children(recursive=True)
    finally:
        serve.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(serve.wait, 40)
    assert code in (0, 128 + signal.SIGTERM), (tmp_path / "serve.log").read_text()
    _, alive = psutil.wait_procs(descendants, timeout=10)
    assert alive == [], [p.pid for p in alive]


async def _events_reach_sockets_on_both_api_processes(
    container: Container, port: int, api: list[psutil.Process]
) -> None:
    """A user's devices connect to whichever API process accepts them; an event published
    anywhere reaches every one of them."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        owner = await register(http)
    sockets: list[ClientConnection] = []
    holders: set[int] = set()
    try:
        while len(holders) < 2 and len(sockets) < 40:
            socket = await connect(f"ws://127.0.0.1:{port}/ws/{owner.id}?token={owner.token}")
            await socket.send("ping")
            assert await asyncio.wait_for(socket.recv(), 10) == "pong"
            sockets.append(socket)
            client_port = socket.local_address[1]
            holders |= {
                process.pid
                for process in api
                for held in process.net_connections("tcp")
                if held.raddr and held.raddr.port == client_port
            }
        assert len(holders) == 2, "every socket went to one API process"
        event = events.item_status(uuid.uuid4(), "closed")
        assert await container.bus.publish(uuid.UUID(owner.id), event)
        for socket in sockets:
            assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == event
    finally:
        for socket in sockets:
            await socket.close()


async def test_no_child_outlives_serve_killed_with_sigkill(
    servers: Servers, fcm_server: tuple[FakeFcm, Path], tmp_path: Path
) -> None:
    serve, port = _start_serve(servers, fcm_server, tmp_path)
    try:
        await _serving(serve, port, tmp_path)

        async def pools_started() -> list[psutil.Process]:
            # worker, vision worker, beat, a pool process under each worker, and the two API
            # processes.
            found = psutil.Process(serve.pid).children(recursive=True)
            return found if len(found) >= 7 and len(_api_processes(serve)) == 2 else []

        descendants = await wait_for(pools_started, timeout=30, interval=0.3)
    finally:
        serve.kill()
        await asyncio.to_thread(serve.wait, 10)
    # Nobody stops them gracefully: the kernel tells each child its parent died.
    _, alive = await asyncio.to_thread(psutil.wait_procs, descendants, 30)
    left = [" ".join(p.cmdline()) for p in alive]
    for process in alive:  # not left running for the rest of the session
        process.kill()
    assert alive == [], left
