"""Anonymous browse pages come from a few seconds' cache; a signed-in view never does."""

from __future__ import annotations

import asyncio
import time
import uuid

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
