"""Test fixtures: real PostgreSQL (embedded), real Redis, a real SMTP server; nothing mocked.

The database is migrated once per run; every test starts from empty tables.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from mafqood.composition.container import Container
from mafqood.core.config import Settings
from mafqood.core.embedded import EmbeddedRedis, free_port, start_postgres
from mafqood.main import create_app
from mafqood.migrations import upgrade_to_head
from tests.venues import verification as venue_helpers

TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256-0123456789"


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@dataclass
class Servers:
    database_url: str
    redis_url: str
    smtp_port: int
    mailbox: Mailbox
    data_dir: Path


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    # Our own directory rather than pytest's: pytest prunes old run directories, which would
    # pull the data directory from under a server that another run still uses.
    root = Path(tempfile.mkdtemp(prefix="mafqood-tests-"))
    # Registered before the server starts, so it runs after the server has stopped (LIFO).
    atexit.register(shutil.rmtree, root, True)
    database_url = start_postgres(root / "postgres", shared_buffers="256MB")
    embedded_redis = None
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        embedded_redis = EmbeddedRedis(root / "redis")
        redis_url = embedded_redis.url
    upgrade_to_head(database_url)
    venue_helpers.DATABASE_URL[:] = [database_url]
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    yield Servers(database_url, redis_url, smtp.port, mailbox, root / "data")
    smtp.stop()
    if embedded_redis:
        embedded_redis.stop()


def make_settings(servers: Servers, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": servers.database_url,
        "redis_url": servers.redis_url,
        "data_dir": servers.data_dir,
        "secret_key": TEST_SECRET,
        "bcrypt_rounds": 4,  # the production cost (12) is covered by its own test
        "smtp_host": "127.0.0.1",
        "smtp_port": servers.smtp_port,
        "smtp_starttls": False,
        "public_base_url": "http://test",
        # The suite registers many users from one address; the limits have their own tests.
        "rate_limit_enabled": False,
        # Submissions answer once their analysis is done, so tests see their matches
        # whatever the machine's speed; the "pending" answer has its own tests.
        "match_wait_ms": 30_000,
        "match_wait_max_queue": 10_000,
        # Tests change a dependency and call /health again at once; the reuse of its answer
        # has its own test.
        "health_cache_seconds": 0,
        # Tests browse right after reporting; the browse cache has its own tests.
        "browse_cache_seconds": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def vision_worker(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real vision worker (`mafqood worker --queues vision`, two pool processes) for the
    whole run: every report submitted in a test is analysed and matched there."""
    from tests.workers import VISION_TEST_OPTIONS, WorkerProcess, base_worker_env

    process = WorkerProcess(
        base_worker_env(servers),
        tmp_path_factory.mktemp("vision-worker"),
        queues="vision",
        name="vision",
        options=VISION_TEST_OPTIONS,
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
async def app(servers: Servers, vision_worker: Any) -> AsyncIterator[FastAPI]:
    application = create_app(make_settings(servers))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def container(app: FastAPI) -> Container:
    built: Container = app.state.container
    return built


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
def mailbox(servers: Servers) -> Mailbox:
    servers.mailbox.messages.clear()
    return servers.mailbox


@pytest.fixture(autouse=True)
async def _clean_state(servers: Servers, app: FastAPI) -> AsyncIterator[None]:
    yield
    container: Container = app.state.container
    # A vision worker may still be working through jobs the test left (a desk's intake does
    # not wait for its analyses). Its queue goes first, then the jobs' rows (a task whose row
    # is gone does nothing), so that the TRUNCATE meets at most the job in progress: it waits
    # in the lock queue behind it, or, picked as a deadlock's victim, tries again.
    redis = Redis.from_url(servers.redis_url)
    await redis.flushdb()
    for statement in ("DELETE FROM outbox_jobs", "TRUNCATE {tables} RESTART IDENTITY CASCADE"):
        await _retried_on_lock_conflict(container, statement)
    await redis.flushdb()
    await redis.aclose()


async def _retried_on_lock_conflict(container: Container, statement: str) -> None:
    for attempt in range(10):
        try:
            async with container.engine.begin() as connection:
                # Should a wait ever last, it gives way and tries again rather than hang.
                await connection.execute(text("SET LOCAL lock_timeout = '30s'"))
                tables = await connection.execute(
                    text(
                        "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                        "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    )
                )
                await connection.execute(text(statement.format(tables=tables.scalar())))
            return
        except DBAPIError as exc:
            if not ("deadlock" in str(exc) or "lock timeout" in str(exc)) or attempt == 9:
                raise
            await asyncio.sleep(0.2 * (attempt + 1))


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-speaking HTTP server (moto_server) on a loopback port."""
    import socket
    import subprocess
    import sys
    import time

    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        raise RuntimeError("moto_server did not start")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(10)


@pytest.fixture(scope="session")
async def s3_app(servers: Servers, s3_endpoint: str, vision_worker: Any) -> AsyncIterator[FastAPI]:
    """The same service with photos in an S3 bucket behind a CDN base URL."""
    settings = make_settings(
        servers,
        storage_backend="s3",
        s3_endpoint_url=s3_endpoint,
        s3_bucket="mafqood-test",
        s3_access_key_id="test",
        s3_secret_access_key="test",
        s3_public_base_url="https://cdn.mafqood.test",
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def s3_client(s3_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=s3_app, client=("203.0.113.8", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


AppFactory = Callable[..., AbstractAsyncContextManager[FastAPI]]


@pytest.fixture
def make_app(servers: Servers, vision_worker: Any) -> AppFactory:
    """Another instance of the service on the same servers, with settings overridden:
    `async with make_app(rate_limit_enabled=True) as app: ...`."""

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[FastAPI]:
        application = create_app(make_settings(servers, **overrides))
        async with application.router.lifespan_context(application):
            yield application

    return start


def asgi_client(app: FastAPI, ip: str = "198.51.100.1") -> httpx.AsyncClient:
    """A client of app whose requests come from ip."""
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")
