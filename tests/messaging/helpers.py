"""Threads between two accounts, set up through the public API where it can be."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from mafqood.composition.container import Container
from mafqood.lifecycle.models import Match
from tests.factories import Account, insert_report, register

CONTACTS = "Call me on +971 50 123 4567 or write to ali@example.com, photos at example.org/wallet"


@dataclass
class Pair:
    """A lost report's owner and a found report's finder, matched."""

    owner: Account
    finder: Account
    lost_id: uuid.UUID
    found_id: uuid.UUID
    match_id: uuid.UUID


async def matched_pair(
    client: httpx.AsyncClient, container: Container, **found_fields: Any
) -> Pair:
    owner = await register(client, full_name="Sara Owner")
    finder = await register(client, full_name="Omar Finder", preferred_language="ar")
    lost_id = await insert_report(container.sessionmaker, owner.id, "lost", title="Black wallet")
    found_id = await insert_report(
        container.sessionmaker, finder.id, "found", title="Black wallet", **found_fields
    )
    async with container.sessionmaker() as session:
        match = Match(
            user_item_id=lost_id, matched_item_id=found_id, similarity_score=0.9, confidence="high"
        )
        session.add(match)
        await session.commit()
        match_id = match.id
    return Pair(owner, finder, lost_id, found_id, match_id)


async def match_thread(
    client: httpx.AsyncClient, account: Account, match_id: Any
) -> dict[str, Any]:
    response = await client.get(f"/api/v1/matches/{match_id}/thread", headers=account.headers)
    assert response.status_code == 200, response.text
    thread: dict[str, Any] = response.json()
    return thread


async def send(
    client: httpx.AsyncClient,
    account: Account,
    thread_id: str,
    text: str = "Is there a sticker on the back?",
    *,
    client_id: str | None = None,
    photos: list[bytes] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    data = {"text": text, **({"client_id": client_id} if client_id else {})}
    files = [("photos", (f"p{n}.jpg", photo, "image/jpeg")) for n, photo in enumerate(photos or [])]
    return await client.post(
        f"/api/v1/threads/{thread_id}/messages",
        data=data,
        files=files or None,
        headers={**account.headers, **(headers or {})},
    )


async def sent(
    client: httpx.AsyncClient, account: Account, thread_id: str, text: str
) -> dict[str, Any]:
    response = await send(client, account, thread_id, text)
    assert response.status_code == 201, response.text
    message: dict[str, Any] = response.json()["message"]
    return message


async def messages(
    client: httpx.AsyncClient, account: Account, thread_id: str, **query: Any
) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/threads/{thread_id}/messages", params=query, headers=account.headers
    )
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page
