"""Reading, changing and deleting items: owners, other users, anonymous callers."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select, update

from mafqood.composition.container import Container
from mafqood.items.models import Item
from mafqood.lifecycle.models import Match
from mafqood.storage import LocalStorage
from tests.factories import create_item, pin_match, register


async def test_owner_sees_everything_others_see_no_contact(client: httpx.AsyncClient) -> None:
    owner = await register(client, full_name="Owner Name")
    item = await create_item(
        client,
        owner,
        "found",
        contact_method="phone",
        contact_phone="+971501234567",
        contact_email="owner@example.com",
    )
    mine = (await client.get(f"/api/v1/items/{item['id']}", headers=owner.headers)).json()
    assert mine["contact_phone"] == "+971501234567"
    assert mine["contact_email"] == "owner@example.com"
    assert mine["owner"] == {"id": owner.id, "full_name": "Owner Name", "avatar_url": None}

    other = await register(client)
    theirs = await client.get(f"/api/v1/items/{item['id']}", headers=other.headers)
    assert theirs.status_code == 200
    assert theirs.json()["contact_phone"] is None and theirs.json()["contact_email"] is None
    anonymous = await client.get(f"/api/v1/items/{item['id']}")
    assert anonymous.status_code == 200 and anonymous.json()["contact_phone"] is None


async def test_contact_is_shared_only_after_both_confirm(
    client: httpx.AsyncClient, container: Container
) -> None:
    loser, finder = await register(client), await register(client)
    lost = await create_item(client, loser, "lost")
    found = await create_item(
        client, finder, "found", contact_method="phone", contact_phone="+971509999999"
    )
    await pin_match(container.sessionmaker, lost["id"], found["id"])
    url = f"/api/v1/items/{found['id']}"
    async with container.sessionmaker() as session:
        assert (await client.get(url, headers=loser.headers)).json()["contact_phone"] is None
        await session.execute(update(Match).values(user_item_owner_confirmed=True))
        await session.commit()
        assert (await client.get(url, headers=loser.headers)).json()["contact_phone"] is None
        # Both yeses: confirm marks the match contacted, and that is what shares contacts.
        await session.execute(
            update(Match).values(matched_item_owner_confirmed=True, status="contacted")
        )
        await session.commit()
    assert (await client.get(url, headers=loser.headers)).json()["contact_phone"] == "+971509999999"
    stranger = await register(client)
    assert (await client.get(url, headers=stranger.headers)).json()["contact_phone"] is None


async def test_views_are_counted_once_per_viewer_never_for_the_owner(
    client: httpx.AsyncClient,
) -> None:
    owner, viewer, second = await register(client), await register(client), await register(client)
    item = await create_item(client, owner)
    url = f"/api/v1/items/{item['id']}"
    for _ in range(3):
        await client.get(url, headers=owner.headers)
        await client.get(url, headers=viewer.headers)
        await client.get(url)
    await client.get(url, headers=second.headers)
    assert (await client.get(url, headers=owner.headers)).json()["view_count"] == 2


async def test_missing_and_hidden_items_are_404(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner, other = await register(client), await register(client)
    item = await create_item(client, owner)
    assert (await client.get(f"/api/v1/items/{uuid.uuid4()}")).status_code == 404
    assert (await client.get("/api/v1/items/not-a-uuid")).status_code == 422
    async with container.sessionmaker() as session:
        await session.execute(update(Item).values(is_hidden=True))
        await session.commit()
    hidden = await client.get(f"/api/v1/items/{item['id']}", headers=other.headers)
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    assert (
        await client.get(f"/api/v1/items/{item['id']}", headers=owner.headers)
    ).status_code == 200


async def test_bad_token_on_public_read_is_401(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    item = await create_item(client, owner)
    response = await client.get(
        f"/api/v1/items/{item['id']}", headers={"Authorization": "Bearer nonsense"}
    )
    assert response.status_code == 401


async def test_only_the_owner_can_delete_and_files_go_too(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner, other = await register(client), await register(client)
    item = await create_item(client, owner)
    storage = container.storage
    assert isinstance(storage, LocalStorage)
    base = item["image_url"].split("/media/", 1)[1].removesuffix(".jpg")
    files = [storage.path(f"{base}{suffix}.jpg") for suffix in ("", "_thumb", "_small")]
    assert all(path.exists() for path in files)

    denied = await client.delete(f"/api/v1/items/{item['id']}", headers=other.headers)
    assert denied.status_code == 404
    assert (await client.delete(f"/api/v1/items/{item['id']}")).status_code == 401
    assert all(path.exists() for path in files)

    deleted = await client.delete(f"/api/v1/items/{item['id']}", headers=owner.headers)
    assert deleted.status_code == 200 and deleted.json() == {"message": "Item deleted successfully"}
    assert not any(path.exists() for path in files)
    async with container.sessionmaker() as session:
        assert (await session.execute(select(Item))).first() is None
    again = await client.delete(f"/api/v1/items/{item['id']}", headers=owner.headers)
    assert again.status_code == 404


async def test_status_changes(client: httpx.AsyncClient) -> None:
    owner, other = await register(client), await register(client)
    item = await create_item(client, owner)
    url = f"/api/v1/items/{item['id']}/status"

    denied = await client.put(url, json={"status": "closed"}, headers=other.headers)
    assert denied.status_code == 404
    assert (await client.put(url, json={"status": "closed"})).status_code == 401

    closed = await client.put(url, json={"status": "closed"}, headers=owner.headers)
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["id"] == item["id"]
    assert closed.json()["updated_at"]
    reopened = await client.put(url, json={"status": "open"}, headers=owner.headers)
    assert reopened.json()["status"] == "open"

    not_by_hand = await client.put(url, json={"status": "matched"}, headers=owner.headers)
    assert not_by_hand.status_code == 409
    assert not_by_hand.json()["code"] == "invalid_status_transition"
    claimed = await client.put(url, json={"status": "claimed"}, headers=owner.headers)
    assert claimed.status_code == 200
    final = await client.put(url, json={"status": "open"}, headers=owner.headers)
    assert final.status_code == 409

    invalid = await client.put(url, json={"status": "lost-forever"}, headers=owner.headers)
    assert invalid.status_code == 422
    assert (await client.put(url, json={}, headers=owner.headers)).status_code == 422
