"""Match listing and the two-sided confirmation, on match rows made directly."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select

from mafqood.composition.container import Container
from mafqood.items.models import Item
from mafqood.lifecycle.models import Match
from tests.factories import Account, create_item, pin_match, register


async def _types_since(client: httpx.AsyncClient, account: Account, before: set[str]) -> list[str]:
    """Types of the account's notifications that are not in `before`, newest first."""
    body = (await client.get("/api/v1/notifications", headers=account.headers)).json()
    return [n["type"] for n in body["notifications"] if n["id"] not in before]


async def _ids(client: httpx.AsyncClient, account: Account) -> set[str]:
    body = (await client.get("/api/v1/notifications", headers=account.headers)).json()
    return {n["id"] for n in body["notifications"]}


async def _pair(
    client: httpx.AsyncClient,
    container: Container,
    similarity: float = 0.9,
    confidence: str = "high",
) -> tuple[Account, Account, dict[str, Any], dict[str, Any], str]:
    loser, finder = await register(client, full_name="Loser"), await register(client)
    lost = await create_item(client, loser, "lost")
    found = await create_item(
        client, finder, "found", contact_method="phone", contact_phone="+971509999999"
    )
    match_id = await pin_match(
        container.sessionmaker, lost["id"], found["id"], similarity, confidence
    )
    return loser, finder, lost, found, match_id


async def test_both_owners_see_the_match_from_their_side(
    client: httpx.AsyncClient, container: Container
) -> None:
    loser, finder, lost, found, match_id = await _pair(client, container)
    mine = (await client.get(f"/api/v1/items/{lost['id']}/matches", headers=loser.headers)).json()
    assert mine["total"] == 1
    [match] = mine["matches"]
    assert match["id"] == match_id and match["matched_item"]["id"] == found["id"]
    assert match["similarity"] == 0.9 and match["confidence"] == "high"
    assert match["matching_features"]["category_match"] is True
    assert match["status"] == "pending" and "contact_phone" not in match["matched_item"]
    theirs = await client.get(f"/api/v1/items/{found['id']}/matches", headers=finder.headers)
    assert theirs.json()["matches"][0]["matched_item"]["id"] == lost["id"]
    history = (await client.get("/api/v1/history", headers=finder.headers)).json()
    assert history["found_items"][0]["matches"][0]["id"] == match_id


async def test_match_filters_and_access(client: httpx.AsyncClient, container: Container) -> None:
    loser, _, lost, _, _ = await _pair(client, container, similarity=0.55, confidence="low")
    url = f"/api/v1/items/{lost['id']}/matches"
    assert (await client.get(url, headers=loser.headers)).json()["total"] == 0  # default 0.6
    assert (await client.get(f"{url}?min_similarity=0.5", headers=loser.headers)).json()[
        "total"
    ] == 1
    low = await client.get(f"{url}?min_similarity=0&confidence=low", headers=loser.headers)
    assert low.json()["total"] == 1
    high = await client.get(f"{url}?min_similarity=0&confidence=high", headers=loser.headers)
    assert high.json()["total"] == 0
    stranger = await register(client)
    assert (await client.get(url, headers=stranger.headers)).status_code == 404
    assert (await client.get(url)).status_code == 401
    for query in ("min_similarity=2", "min_similarity=-1", "confidence=certain"):
        assert (await client.get(f"{url}?{query}", headers=loser.headers)).status_code == 422


async def test_both_confirm_then_contact_is_shared(
    client: httpx.AsyncClient, container: Container
) -> None:
    loser, finder, _, found, match_id = await _pair(client, container)
    url = f"/api/v1/matches/{match_id}/confirm"
    finder_before, loser_before = await _ids(client, finder), await _ids(client, loser)
    first = await client.post(
        url, json={"confirmed": True, "notes": "This looks like my item!"}, headers=loser.headers
    )
    assert first.status_code == 200
    assert first.json()["match"]["status"] == "pending"
    assert first.json()["match"]["user_item_owner_confirmed"] is True
    item_url = f"/api/v1/items/{found['id']}"
    assert (await client.get(item_url, headers=loser.headers)).json()["contact_phone"] is None

    second = await client.post(url, json={"confirmed": True}, headers=finder.headers)
    body = second.json()["match"]
    assert body["status"] == "contacted"
    assert body["user_item_owner_confirmed"] is True and body["matched_item_owner_confirmed"]
    assert (await client.get(item_url, headers=loser.headers)).json()[
        "contact_phone"
    ] == "+971509999999"
    async with container.sessionmaker() as session:
        statuses = (await session.execute(select(Item.status))).scalars().all()
        notes = (await session.execute(select(Match.user_item_owner_notes))).scalar()
    assert statuses == ["matched", "matched"] and notes == "This looks like my item!"

    # The finder heard of the first yes; then both got the other's contact.
    assert await _types_since(client, finder, finder_before) == ["claim", "match"]
    assert await _types_since(client, loser, loser_before) == ["claim"]
    loser_notes = (await client.get("/api/v1/notifications", headers=loser.headers)).json()
    assert "+971509999999" in loser_notes["notifications"][0]["message"]


async def test_status_change_reaches_the_other_side(
    client: httpx.AsyncClient, container: Container
) -> None:
    loser, finder, lost, _, _ = await _pair(client, container)
    finder_before, loser_before = await _ids(client, finder), await _ids(client, loser)
    await client.put(
        f"/api/v1/items/{lost['id']}/status", json={"status": "closed"}, headers=loser.headers
    )
    assert await _types_since(client, finder, finder_before) == ["update"]
    assert await _types_since(client, loser, loser_before) == []


async def test_rejection_closes_the_match(client: httpx.AsyncClient, container: Container) -> None:
    loser, finder, lost, _, match_id = await _pair(client, container)
    url = f"/api/v1/matches/{match_id}/confirm"
    loser_before = await _ids(client, loser)
    rejected = await client.post(url, json={"confirmed": False}, headers=finder.headers)
    assert rejected.json()["match"]["status"] == "rejected"
    late = await client.post(url, json={"confirmed": True}, headers=loser.headers)
    assert late.status_code == 409 and late.json()["code"] == "match_closed"
    assert await _types_since(client, loser, loser_before) == ["update"]
    listing = await client.get(
        f"/api/v1/items/{lost['id']}/matches?min_similarity=0", headers=loser.headers
    )
    assert listing.json()["total"] == 0


async def test_confirm_bad_input_and_strangers(
    client: httpx.AsyncClient, container: Container
) -> None:
    loser, _, _, _, match_id = await _pair(client, container)
    url = f"/api/v1/matches/{match_id}/confirm"
    stranger = await register(client)
    assert (
        await client.post(url, json={"confirmed": True}, headers=stranger.headers)
    ).status_code == 404
    assert (await client.post(url, json={"confirmed": True})).status_code == 401
    missing = await client.post(
        f"/api/v1/matches/{uuid.uuid4()}/confirm", json={"confirmed": True}, headers=loser.headers
    )
    assert missing.status_code == 404
    for body in ({}, {"confirmed": "perhaps"}, {"confirmed": True, "notes": "x" * 1001}):
        response = await client.post(url, json=body, headers=loser.headers)
        assert response.status_code == 422, body
    async with container.sessionmaker() as session:
        match = await session.get(Match, uuid.UUID(match_id))
        assert match is not None and match.user_item_owner_confirmed is None
