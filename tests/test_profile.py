from __future__ import annotations

import httpx
import pytest

from tests.factories import register


async def test_get_and_update_profile(client: httpx.AsyncClient) -> None:
    account = await register(client, phone="+971501234567")
    me = await client.get("/auth/users/me", headers=account.headers)
    assert me.status_code == 200
    assert set(me.json()) >= {
        "id",
        "email",
        "full_name",
        "phone",
        "avatar_url",
        "is_venue",
        "created_at",
    }
    response = await client.put(
        "/auth/users/me",
        headers=account.headers,
        json={"full_name": "أحمد علي", "phone": "+971509999999", "preferred_language": "ar"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "أحمد علي"
    assert body["phone"] == "+971509999999" and body["preferred_language"] == "ar"
    # Fields that are not sent stay; phone can be removed with null.
    partial = await client.put("/auth/users/me", headers=account.headers, json={"phone": None})
    assert partial.json()["phone"] is None and partial.json()["full_name"] == "أحمد علي"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"full_name": None}, "full_name"),
        ({"full_name": "x" * 300}, "full_name"),
        ({"phone": "12"}, "phone"),
        ({"preferred_language": "fr"}, "preferred_language"),
        ({"preferred_language": None}, "preferred_language"),
    ],
)
async def test_profile_update_validation(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    account = await register(client)
    response = await client.put("/auth/users/me", headers=account.headers, json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


async def test_profile_needs_sign_in(client: httpx.AsyncClient) -> None:
    assert (await client.put("/auth/users/me", json={"full_name": "X"})).status_code == 401
    assert (await client.get("/auth/users/me")).status_code == 401
