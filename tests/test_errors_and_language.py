from __future__ import annotations

import httpx

from mafqood.core.i18n import parse_accept_language
from tests.factories import PASSWORD, register


async def test_every_error_has_the_same_shape(client: httpx.AsyncClient) -> None:
    responses = [
        await client.get("/no-such-route"),
        await client.delete("/auth/login"),
        await client.post("/auth/login", json={}),
        await client.get("/auth/users/me"),
    ]
    assert [r.status_code for r in responses] == [404, 405, 422, 401]
    for response in responses:
        body = response.json()
        assert set(body) >= {"code", "message", "detail", "request_id"}
        assert isinstance(body["message"], str) and body["message"]
        assert body["request_id"] == response.headers["x-request-id"]


async def test_arabic_from_accept_language(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/login",
        json={"email": "nobody@example.com", "password": "Whatever1"},
        headers={"Accept-Language": "ar-AE,ar;q=0.9,en;q=0.5"},
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "البريد الإلكتروني أو كلمة المرور غير صحيحة."


async def test_arabic_field_errors(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/register",
        json={"email": "a@example.com", "password": "abc"},
        headers={"Accept-Language": "ar"},
    )
    assert response.status_code == 422
    messages = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert messages[("body", "full_name")] == "هذا الحقل مطلوب."
    assert "كلمة المرور ضعيفة" in messages[("body", "password")]
    assert "حرف كبير" in messages[("body", "password")]


async def test_users_preferred_language_is_used_without_header(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client, preferred_language="ar")
    response = await client.put("/auth/users/me", headers=account.headers, json={"phone": "1"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("يجب أن يكون رقم هاتف")
    english = await client.put(
        "/auth/users/me",
        headers={**account.headers, "Accept-Language": "en"},
        json={"phone": "1"},
    )
    assert english.json()["detail"][0]["msg"].startswith("Must be a phone number")


async def test_arabic_duplicate_email(client: httpx.AsyncClient) -> None:
    await register(client, email="dup@example.com")
    response = await client.post(
        "/auth/register",
        json={"email": "dup@example.com", "password": PASSWORD, "full_name": "B"},
        headers={"Accept-Language": "ar"},
    )
    assert response.status_code == 409
    assert "يوجد حساب" in response.json()["message"]


def test_accept_language_parsing() -> None:
    assert parse_accept_language("ar") == "ar"
    assert parse_accept_language("fr-FR, en;q=0.8") == "en"
    assert parse_accept_language("en;q=0.3, ar;q=0.7") == "ar"
    assert parse_accept_language("fr") is None
    assert parse_accept_language("ar;q=0") is None
    assert parse_accept_language(None) is None


async def test_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    odd = await client.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert odd.headers["x-request-id"] != "bad id with spaces"
