"""Test fixtures: real PostgreSQL (embedded), real Redis, a real SMTP server; nothing mocked.

The database is migrated once per run; every test starts from empty tables.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
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

from mafqood.core.config import Settings
from mafqood.core.container import Container
from mafqood.core.embedded import EmbeddedRedis, free_port, start_postgres
from mafqood.main import create_app
from mafqood.migrations import upgrade_to_head

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
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    root = tmp_path_factory.mktemp("mafqood")
    database_url = start_postgres(root / "postgres")
    embedded_redis = None
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        embedded_redis = EmbeddedRedis(root / "redis")
        redis_url = embedded_redis.url
    upgrade_to_head(database_url)
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
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
async def app(servers: Servers) -> AsyncIterator[FastAPI]:
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
    async with container.engine.begin() as connection:
        tables = await connection.execute(
            text(
                "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        )
        await connection.execute(text(f"TRUNCATE {tables.scalar()} RESTART IDENTITY CASCADE"))
    redis = Redis.from_url(servers.redis_url)
    await redis.flushdb()
    await redis.aclose()
