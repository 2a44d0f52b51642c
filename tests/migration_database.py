"""A database of its own for a test of a migration's data: created at a revision, upgraded by
the test, dropped afterwards."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from alembic import command
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from mafqood.composition.container import Container
from mafqood.core.db import async_url
from mafqood.migrations import alembic_config
from tests.conftest import Servers


@asynccontextmanager
async def database_at(
    servers: Servers, container: Container, revision: str
) -> AsyncIterator[tuple[AsyncEngine, str]]:
    """(an engine on it, its URL) for a new database migrated up to `revision`."""
    name = f"migration_{uuid.uuid4().hex[:8]}"
    async with container.engine.connect() as connection:
        await (await connection.execution_options(isolation_level="AUTOCOMMIT")).execute(
            text(f"CREATE DATABASE {name}")
        )
    database = make_url(async_url(servers.database_url)).set(database=name)
    url = database.render_as_string(hide_password=False)
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        await upgrade(url, revision)
        yield engine, url
    finally:
        await engine.dispose()
        async with container.engine.connect() as connection:
            await (await connection.execution_options(isolation_level="AUTOCOMMIT")).execute(
                text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            )


async def upgrade(url: str, revision: str = "head") -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(url), revision)
