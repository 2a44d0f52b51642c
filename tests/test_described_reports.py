"""Lost reports without a photo (POST /api/v1/lost/described): stored, analysed by their text
and matched by what is known; the app's own calls keep requiring a photo."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from mafqood.composition.container import Container
from mafqood.items.models import Item
from tests import images
from tests.factories import Account, item_form, register, wait_for


async def describe(client: httpx.AsyncClient, account: Account, **fields: Any) -> httpx.Response:
    return await client.post(
        "/api/v1/lost/described", data=item_form(**fields), headers=account.headers
    )


async def test_a_lost_report_without_a_photo_is_stored_and_analysed(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    response = await describe(client, account)
    assert response.status_code == 201, response.text
    item = response.json()["item"]
    assert item["type"] == "lost" and item["title"] == "Black iPhone 14 Pro"
    assert item["image_url"] is None and item["thumbnail_url"] is None and item["photos"] == []

    async def analysed() -> dict[str, Any] | None:
        seen = await client.get(f"/api/v1/items/{item['id']}", headers=account.headers)
        body: dict[str, Any] = seen.json()
        return body if body["analysis_status"] != "pending" else None

    done = await wait_for(analysed)
    assert done["analysis_status"] == "done" and done["analysis_error"] is None


async def test_a_photo_added_later_becomes_the_main_photo(client: httpx.AsyncClient) -> None:
    account = await register(client)
    item = (await describe(client, account)).json()["item"]
    added = await client.post(
        f"/api/v1/items/{item['id']}/photos",
        files={"image": ("a.jpg", images.jpeg(seed=404), "image/jpeg")},
        headers=account.headers,
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["image_url"].endswith(f"/media/items/{item['id']}.jpg")
    assert [photo["position"] for photo in body["photos"]] == [0]
    assert (await client.get(body["image_url"].removeprefix("http://test"))).status_code == 200


async def test_the_apps_calls_still_need_a_photo(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    for kind in ("lost", "found"):
        response = await client.post(f"/api/v1/{kind}", data=item_form(), headers=account.headers)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "image"]
    # Found reports have no photo-less form: the desk or finder has the object in hand.
    found = await client.post("/api/v1/found/described", data=item_form(), headers=account.headers)
    assert found.status_code in (404, 405)
    async with container.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Item)) == 0
