"""Anonymous browse pages come from a few seconds' cache; a signed-in view never does."""

from __future__ import annotations

import asyncio
import time
import uuid

from sqlalchemy import event

from mafqood.core.answer_cache import AnswerCache
from tests.conftest import AppFactory, asgi_client
from tests.factories import create_item, register

TTL = 5.0


async def test_anonymous_pages_cached_for_ttl_signed_in_never(make_app: AppFactory) -> None:
    # No wait for the analysis, so the report is posted well within the cache's lifetime.
    async with (
        make_app(browse_cache_seconds=TTL, match_wait_ms=0) as app,
        asgi_client(app) as client,
    ):
        owner = await register(client)
        word = f"cachecheck{uuid.uuid4().hex[:8]}"
        path = f"/api/v1/items?q={word}&page_size=20"

        cached_at = time.monotonic()
        assert (await client.get(path)).json()["items"] == []
        await create_item(client, owner, "found", title=f"Umbrella {word}")

        # Anonymous: the page stored a moment ago, without the new report.
        stale = await client.get(path)
        assert stale.status_code == 200 and stale.json()["items"] == []
        assert stale.json()["pagination"]["total"] == 0
        # Signed in: read from the database, the new report is there.
        signed_in = (await client.get(path, headers=owner.headers)).json()
        assert [item["title"] for item in signed_in["items"]] == [f"Umbrella {word}"]
        assert time.monotonic() - cached_at < TTL, "posting took longer than the cache"

        # Once the cache's lifetime has passed, anonymous readers see it too.
        await asyncio.sleep(TTL - (time.monotonic() - cached_at) + 0.2)
        fresh = (await client.get(path)).json()
        assert [item["title"] for item in fresh["items"]] == [f"Umbrella {word}"]
        assert fresh["pagination"]["total"] == 1


async def test_cache_keyed_by_the_whole_query(make_app: AppFactory) -> None:
    async with (
        make_app(browse_cache_seconds=60, match_wait_ms=0) as app,
        asgi_client(app) as client,
    ):
        owner = await register(client)
        word = f"keycheck{uuid.uuid4().hex[:8]}"
        await create_item(client, owner, "lost", title=f"Keys {word}", category="keys")
        await create_item(client, owner, "found", title=f"Bag {word}", category="bag")
        both = (await client.get(f"/api/v1/items?q={word}")).json()
        lost = (await client.get(f"/api/v1/items?q={word}&type=lost")).json()
        bags = (await client.get(f"/api/v1/items?q={word}&category=bag")).json()
        second = (await client.get(f"/api/v1/items?q={word}&page=2&page_size=1")).json()
        assert both["pagination"]["total"] == 2
        assert [item["title"] for item in lost["items"]] == [f"Keys {word}"]
        assert [item["title"] for item in bags["items"]] == [f"Bag {word}"]
        assert [item["title"] for item in second["items"]] == [f"Keys {word}"]


async def test_a_crowd_asking_at_once_costs_one_query(make_app: AppFactory) -> None:
    """Phones opening the browse screen together wait for the page one of them asked for,
    instead of each querying the database while it is not kept yet."""
    async with (
        make_app(browse_cache_seconds=60, match_wait_ms=0) as app,
        asgi_client(app) as client,
    ):
        owner = await register(client)
        word = f"crowdcheck{uuid.uuid4().hex[:8]}"
        await create_item(client, owner, "found", title=f"Scarf {word}")
        queries: list[str] = []

        def seen(_c: object, _cursor: object, statement: str, *_args: object) -> None:
            if word in str(_args[0]) or "FROM items" in statement:
                queries.append(statement)

        engine = app.state.container.engine.sync_engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            answers = await asyncio.gather(
                *(client.get(f"/api/v1/items?q={word}") for _ in range(40))
            )
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert {answer.status_code for answer in answers} == {200}
        assert {answer.content for answer in answers} == {answers[0].content}
        assert answers[0].json()["pagination"]["total"] == 1
        # One page, read once for all 40 (its one report tells the total: nothing counted).
        assert len([q for q in queries if "FROM items" in q]) == 1, queries


async def test_when_the_build_fails_a_waiter_builds_it() -> None:
    cache = AnswerCache(60)
    started = asyncio.Event()

    async def failing() -> bytes:
        started.set()
        await asyncio.sleep(0.05)
        raise ConnectionError("database went away")

    async def working() -> bytes:
        return b"page"

    async def waiter() -> bytes:
        await started.wait()
        return await cache.get_or_build("key", working)

    first, second = await asyncio.gather(
        cache.get_or_build("key", failing), waiter(), return_exceptions=True
    )
    assert isinstance(first, ConnectionError) and second == b"page"
    assert await cache.get_or_build("key", failing) == b"page"
