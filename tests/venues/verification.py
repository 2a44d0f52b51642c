"""Verifying a venue straight in the database, for tests about a venue in service (the
administrators' API and page have their own tests). The test database's address is set by
the `servers` fixture."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from mafqood.core.db import async_url

DATABASE_URL: list[str] = []


async def mark_verified(venue_id: str | uuid.UUID) -> None:
    engine = create_async_engine(async_url(DATABASE_URL[0]), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE venues SET verification = 'verified', verified_at = now(),"
                    " verification_note = 'test' WHERE id = :id"
                ),
                {"id": uuid.UUID(str(venue_id))},
            )
    finally:
        await engine.dispose()
