"""What the app in users' hands needs: photo URLs that work on whatever address it reached the
service, and the POST / camelCase forms it sends where the spec says PUT / snake_case."""

from __future__ import annotations

import re
import uuid

import httpx

from mafqood.composition.container import Container
from mafqood.notifications.service import notify
from tests.conftest import AppFactory, asgi_client
from tests.factories import Account, JobsHeldBack, create_item, register


async def test_photo_urls_are_relative_without_a_public_base(make_app: AppFactory) -> None:
    async with make_app(public_base_url=None) as app, asgi_client(app) as http:
        owner = await register(http)
        item = await create_item(http, owner, "lost")
        # The item's id and 128 random bits: the id alone does not reach a photo.
        assert re.fullmatch(rf"/media/items/{item['id']}_[0-9a-f]{{32}}\.jpg", item["image_url"])
        assert item["thumbnail_url"] == item["image_url"].replace(".jpg", "_thumb.jpg")
        photo = await http.get(item["image_url"])
        assert photo.status_code == 200 and photo.content.startswith(b"\xff\xd8")
        # A Host header never makes its way into the URLs.
        seen = await http.get(f"/api/v1/items/{item['id']}", headers={"Host": "evil.example"})
        assert seen.json()["image_url"] == item["image_url"]


async def test_photo_urls_are_absolute_with_a_public_base(make_app: AppFactory) -> None:
    base = "https://api.mafqood.test/"
    async with make_app(public_base_url=base) as app, asgi_client(app) as http:
        item = await create_item(http, await register(http), "found")
    assert item["image_url"].startswith(f"https://api.mafqood.test/media/items/{item['id']}_")


async def _notification(container: Container, account: Account) -> uuid.UUID:
    async with container.sessionmaker(effects=JobsHeldBack.of(container)) as session:
        row = await notify(
            session,
            uuid.UUID(account.id),
            "update",
            "notify.match_rejected",
            params={"item_title": "Bag"},
        )
        await session.commit()
        return row.id


async def test_notifications_are_marked_read_with_post_as_well(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    first, second = await _notification(container, account), await _notification(container, account)
    one = await client.post(f"/api/v1/notifications/{first}/read", headers=account.headers)
    assert one.status_code == 200 and one.json()["is_read"] is True
    everything = await client.post("/api/v1/notifications/read-all", headers=account.headers)
    assert everything.status_code == 200 and everything.json()["count"] == 1
    listed = (await client.get("/api/v1/notifications", headers=account.headers)).json()
    assert listed["unread_count"] == 0 and {n["id"] for n in listed["notifications"]} == {
        str(first),
        str(second),
    }
    # Someone else's notification stays someone else's, whatever the method.
    stranger = await register(client)
    refused = await client.post(f"/api/v1/notifications/{first}/read", headers=stranger.headers)
    assert refused.status_code == 404


async def test_the_profile_takes_post_and_camel_case(client: httpx.AsyncClient) -> None:
    account = await register(client)
    posted = await client.post(
        "/auth/users/me",
        json={"fullName": "Mariam Saeed", "preferredLanguage": "ar"},
        headers=account.headers,
    )
    assert posted.status_code == 200, posted.text
    assert posted.json()["full_name"] == "Mariam Saeed"
    assert posted.json()["preferred_language"] == "ar"
    put = await client.put(
        "/auth/users/me", json={"full_name": "Mariam S."}, headers=account.headers
    )
    assert put.json()["full_name"] == "Mariam S."
    blank = await client.post("/auth/users/me", json={"fullName": "  "}, headers=account.headers)
    assert blank.status_code == 422


async def test_openapi_marks_the_compatibility_forms(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert paths["/auth/users/me"]["post"]["deprecated"] is True
    assert "deprecated" not in paths["/auth/users/me"]["put"]
    assert paths["/api/v1/notifications/read-all"]["post"]["deprecated"] is True
    assert paths["/api/v1/notifications/{notification_id}/read"]["post"]["deprecated"] is True
