"""Helpers for claims and handovers, through the public API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Account

SECRET = "Two bank cards in the name of Sara and a photo of a child"


async def claim(
    client: httpx.AsyncClient, account: Account, item_id: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/items/{item_id}/claims",
        json={"answers": "Two cards with my name, Sara, and my daughter's photo", **body},
        headers=account.headers,
    )


async def file_claim(
    client: httpx.AsyncClient, account: Account, item_id: str, **body: Any
) -> dict[str, Any]:
    response = await claim(client, account, item_id, **body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def decide(
    client: httpx.AsyncClient, account: Account, claim_id: str, decision: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/claims/{claim_id}/decision",
        json={"decision": decision, **body},
        headers=account.headers,
    )


async def notifications(client: httpx.AsyncClient, account: Account) -> list[dict[str, Any]]:
    """The account's notifications, newest first."""
    response = await client.get("/api/v1/notifications", headers=account.headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["notifications"]
    return found


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The stable error body: code, message, detail, request_id."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert {"code", "message", "detail", "request_id"} <= set(body)
    assert body["message"] and body["request_id"]
    return body


def field_error(response: httpx.Response) -> tuple[list[str], str]:
    """(loc, type) of a 422's single field error."""
    body = assert_error(response, 422, "validation_error")
    [error] = body["detail"]
    return error["loc"], error["type"]
