from __future__ import annotations

import httpx

from mafqood.composition.container import Container
from mafqood.storage import LocalStorage
from tests import images
from tests.factories import register


async def test_item_upload_goes_to_temp(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.post(
        "/api/v1/upload/image",
        files={"image": ("a.jpg", images.jpeg(seed=200), "image/jpeg")},
        data={"type": "item"},
        headers=account.headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert "/media/temp/" in body["url"] and body["thumbnail_url"].endswith("_thumb.jpg")


async def test_avatar_upload_updates_profile_and_replaces_the_old_one(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    first = await client.post(
        "/api/v1/upload/image",
        files={"image": ("me.png", images.png_with_transparency(seed=201), "image/png")},
        data={"type": "avatar"},
        headers=account.headers,
    )
    assert first.status_code == 201
    me = (await client.get("/auth/users/me", headers=account.headers)).json()
    assert me["avatar_url"] == first.json()["thumbnail_url"]
    assert f"/media/avatars/{account.id}_" in me["avatar_url"]

    storage = container.storage
    assert isinstance(storage, LocalStorage)
    old_key = first.json()["url"].split("/media/", 1)[1]
    assert storage.path(old_key).exists()
    second = await client.post(
        "/api/v1/upload/image",
        files={"image": ("me2.jpg", images.jpeg(seed=202), "image/jpeg")},
        data={"type": "avatar"},
        headers=account.headers,
    )
    assert second.status_code == 201
    assert not storage.path(old_key).exists()
    me = (await client.get("/auth/users/me", headers=account.headers)).json()
    assert me["avatar_url"] == second.json()["thumbnail_url"]


async def test_upload_bad_input(client: httpx.AsyncClient) -> None:
    account = await register(client)
    wrong_type = await client.post(
        "/api/v1/upload/image",
        files={"image": ("a.jpg", images.jpeg(seed=203), "image/jpeg")},
        data={"type": "banner"},
        headers=account.headers,
    )
    assert wrong_type.status_code == 422
    assert wrong_type.json()["detail"][0]["loc"] == ["body", "type"]
    not_image = await client.post(
        "/api/v1/upload/image",
        files={"image": ("a.jpg", b"hello", "image/jpeg")},
        headers=account.headers,
    )
    assert not_image.status_code == 415
    missing = await client.post("/api/v1/upload/image", headers=account.headers)
    assert missing.status_code == 422
    anonymous = await client.post(
        "/api/v1/upload/image", files={"image": ("a.jpg", images.jpeg(seed=204), "image/jpeg")}
    )
    assert anonymous.status_code == 401
