"""Input that PostgreSQL or Python cannot hold answers 422 with the field named (never 500), the
small body limit holds on every route that takes no photo, and an unexpected error's log line
carries the request id that its 500 body shows."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import AppFactory, asgi_client
from tests.factories import item_form, register, submit


def _field_error(response: httpx.Response) -> tuple[list[str], str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    error = body["detail"][0]
    return error["loc"], error["type"]


async def test_a_nul_character_in_any_text_is_refused_with_its_field(
    client: httpx.AsyncClient,
) -> None:
    registered = await client.post(
        "/auth/register",
        json={"email": "nul@example.com", "password": "SecurePassword123", "full_name": "A\x00b"},
    )
    assert _field_error(registered) == (["body", "full_name"], "nul_character")

    account = await register(client)
    profile = await client.put(
        "/auth/users/me", json={"full_name": "Ahmad\x00"}, headers=account.headers
    )
    assert _field_error(profile) == (["body", "full_name"], "nul_character")

    item = await submit(client, account, "lost", title="Black\x00phone")
    assert _field_error(item) == (["body", "title"], "nul_character")

    browse = await client.get("/api/v1/items?q=phone%00", headers={"Accept-Language": "ar"})
    assert _field_error(browse) == (["query", "q"], "nul_character")
    assert browse.json()["detail"][0]["msg"] == "يجب ألا يحتوي على محرف NUL."
    assert browse.json()["request_id"]


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_dates_outside_the_accepted_range_are_refused(
    client: httpx.AsyncClient, when: str
) -> None:
    account = await register(client)
    report = await client.post(
        "/api/v1/lost",
        data=item_form(date_time=when),
        files={"image": ("p.jpg", b"not read", "image/jpeg")},
        headers=account.headers,
    )
    assert _field_error(report) == (["body", "date_time"], "date_out_of_range")
    browse = await client.get("/api/v1/items", params={"date_from": when})
    assert _field_error(browse) == (["query", "date_from"], "date_out_of_range")
    browse = await client.get("/api/v1/items", params={"date_to": when})
    assert _field_error(browse) == (["query", "date_to"], "date_out_of_range")


async def test_the_small_body_limit_holds_whatever_the_content_type(
    client: httpx.AsyncClient,
) -> None:
    big = b"x" * (5 * 2**20)
    for content_type in ("multipart/form-data; boundary=x", "application/json", "text/plain"):
        response = await client.post(
            "/auth/login", content=big, headers={"Content-Type": content_type}
        )
        assert response.status_code == 413, content_type
        assert response.json()["code"] == "payload_too_large"


async def test_an_unexpected_error_is_logged_once_with_its_request_id(
    make_app: AppFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    async with make_app() as app:

        async def explode() -> None:
            raise RuntimeError("boom")

        app.add_api_route("/explode", explode)
        async with asgi_client(app) as http:
            capsys.readouterr()
            response = await http.get("/explode")
    assert response.status_code == 500
    request_id = response.json()["request_id"]
    assert response.headers["x-request-id"] == request_id
    lines = [line for line in capsys.readouterr().out.splitlines() if "unhandled_error" in line]
    assert len(lines) == 1 and f"request_id={request_id}" in lines[0]
