"""Privacy rights: a full export of one's data, and account deletion that leaves nothing behind
in the database or in photo storage."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, or_, select, text

from mafqood.audit.models import AuditLog
from mafqood.composition.container import Container
from mafqood.items.models import Item
from mafqood.lifecycle.models import Match
from mafqood.notifications.models import DeviceToken, Notification
from mafqood.photos.service import photo_keys
from mafqood.storage import Storage
from tests import images
from tests.factories import PASSWORD, Account, create_item, pin_match, register


async def upload_avatar(client: httpx.AsyncClient, account: Account) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/upload/image",
        data={"type": "avatar"},
        files={"image": ("me.jpg", images.jpeg(seed=4242), "image/jpeg")},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def populate(
    client: httpx.AsyncClient, container: Container
) -> tuple[Account, Account, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A user with an avatar, two reports, a match with someone else's report, notifications
    on both sides, a push device, a view and a report of someone else's item."""
    me, other = await register(client, full_name="Me Myself"), await register(client)
    await upload_avatar(client, me)
    lost = await create_item(
        client, me, "lost", contact_method="phone", contact_phone="+971501112222"
    )
    second = await create_item(client, me, "found", title="Keys on a ring")
    theirs = await create_item(client, other, "found")
    assert (await client.get(f"/api/v1/items/{theirs['id']}", headers=me.headers)).is_success
    reported = await client.post(
        f"/api/v1/items/{theirs['id']}/report", json={"reason": "spam"}, headers=me.headers
    )
    assert reported.status_code == 201
    match_id = await pin_match(container.sessionmaker, lost["id"], theirs["id"], 0.91, "high")
    async with container.sessionmaker() as session:
        match = await session.get(Match, uuid.UUID(match_id))
        assert match is not None
        match.user_item_owner_confirmed = True
        match.user_item_owner_notes = "It has my sticker"
        for owner in (me, other):
            session.add(
                Notification(
                    user_id=uuid.UUID(owner.id),
                    type="match",
                    title="New match found!",
                    message="Me Myself confirmed the match: +971501112222",
                    item_id=uuid.UUID(lost["id"]),
                    match_id=match.id,
                    data={"match_id": str(match.id)},
                )
            )
        session.add(
            DeviceToken(
                user_id=uuid.UUID(me.id),
                token="fcm-token-" + "x" * 40,
                platform="android",
                app_version="1.4.2",
            )
        )
        await session.commit()
    return me, other, lost, second, theirs


async def test_export_holds_everything_stored_about_the_user(
    client: httpx.AsyncClient, container: Container
) -> None:
    me, other, lost, second, theirs = await populate(client, container)
    response = await client.get("/api/v1/users/me/export", headers=me.headers)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Disposition"].startswith('attachment; filename="mafqood-')
    assert response.headers["Cache-Control"] == "no-store"
    data = response.json()
    assert data["profile"]["id"] == me.id and data["profile"]["email"] == me.email
    assert data["profile"]["avatar_url"].endswith("_thumb.jpg")
    assert "password" not in response.text and "$2b$" not in response.text
    assert {item["id"] for item in data["items"]} == {lost["id"], second["id"]}
    exported_lost = next(item for item in data["items"] if item["id"] == lost["id"])
    assert exported_lost["contact_phone"] == "+971501112222"
    # Photo links work.
    for url in exported_lost["photo"].values():
        assert url.startswith("http://test/media/items/")
        photo = await client.get(url.removeprefix("http://test"))
        assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    [match] = data["matches"]
    assert match["my_item_id"] == lost["id"] and match["other_item_id"] == theirs["id"]
    assert match["my_answer"] is True and match["my_notes"] == "It has my sticker"
    messages = {notification["message"] for notification in data["notifications"]}
    assert "Me Myself confirmed the match: +971501112222" in messages
    assert data["devices"][0]["platform"] == "android"
    assert data["logins"] and data["logins"][0]["ip_address"] == "203.0.113.7"
    actions = {entry["action"] for entry in data["activity"]}
    assert {"register", "item_reported"} <= actions
    assert data["viewed_items"] == [
        {"item_id": theirs["id"], "created_at": data["viewed_items"][0]["created_at"]}
    ]
    assert data["reports"][0]["item_id"] == theirs["id"]
    # Someone else's export holds none of it.
    theirs_export = (await client.get("/api/v1/users/me/export", headers=other.headers)).json()
    assert me.email not in str(theirs_export) and "It has my sticker" not in str(theirs_export)
    assert (await client.get("/api/v1/users/me/export")).status_code == 401


async def remaining_rows(container: Container, user_id: str, item_ids: list[str]) -> dict[str, int]:
    """Rows anywhere in the database that still name the user or their items."""
    found: dict[str, int] = {}
    async with container.engine.connect() as connection:
        columns = await connection.execute(
            text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND data_type = 'uuid'"
            )
        )
        ids = [user_id, *item_ids]
        for table, column in columns.all():
            count = await connection.scalar(
                text(f'SELECT count(*) FROM "{table}" WHERE "{column}"::text = ANY(:ids)'),
                {"ids": ids},
            )
            if count:
                found[f"{table}.{column}"] = int(count)
        for table, column in (("notifications", "data"), ("audit_logs", "request_data")):
            count = await connection.scalar(
                text(f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE :needle'),
                {"needle": f"%{user_id}%"},
            )
            if count:
                found[f"{table}.{column}"] = int(count)
    return found


async def stored_keys(storage: Storage, item: dict[str, Any]) -> list[bool]:
    base = item["image_url"].split("/items/")[1].removesuffix(".jpg")
    return [await storage.exists(key) for key in photo_keys(f"items/{base}")]


async def test_account_deletion_needs_the_password(
    client: httpx.AsyncClient, container: Container
) -> None:
    me = await register(client)
    refused = await client.request(
        "DELETE", "/auth/users/me", json={"password": "Not-my-password1"}, headers=me.headers
    )
    assert refused.status_code == 403 and refused.json()["code"] == "password_incorrect"
    missing = await client.request("DELETE", "/auth/users/me", json={}, headers=me.headers)
    assert missing.status_code == 422
    assert (await client.get("/auth/users/me", headers=me.headers)).status_code == 200
    async with container.sessionmaker() as session:
        actions = (await session.execute(select(AuditLog.action))).scalars().all()
    assert "account_deletion_refused" in actions


async def test_account_deletion_leaves_nothing_behind(
    client: httpx.AsyncClient, container: Container
) -> None:
    me, other, lost, second, theirs = await populate(client, container)
    avatar_url = (await client.get("/auth/users/me", headers=me.headers)).json()["avatar_url"]
    avatar_key = avatar_url.split("/media/")[1]
    assert await container.storage.exists(avatar_key)
    assert all(await stored_keys(container.storage, lost))

    response = await client.request(
        "DELETE",
        "/auth/users/me",
        json={"password": PASSWORD},
        headers={**me.headers, "User-Agent": "MafqoodApp/1.4"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["message"]

    # The account is gone: its tokens no longer work, it cannot sign in, the email is free.
    assert (await client.get("/auth/users/me", headers=me.headers)).status_code == 401
    login = await client.post("/auth/login", json={"email": me.email, "password": PASSWORD})
    assert login.status_code == 401
    # Nothing in the database names the user or their items, except the one deletion record.
    leftovers = await remaining_rows(container, me.id, [lost["id"], second["id"]])
    assert leftovers == {"audit_logs.entity_id": 1}
    async with container.sessionmaker() as session:
        record = (
            await session.execute(select(AuditLog).where(AuditLog.action == "account_deleted"))
        ).scalar_one()
        assert str(record.entity_id) == me.id and record.user_id is None
        assert str(record.ip_address) == "203.0.113.7" and record.user_agent == "MafqoodApp/1.4"
        # The other user keeps their report, without the match or notifications about it.
        assert await session.get(Item, uuid.UUID(theirs["id"])) is not None
        assert await session.scalar(select(func.count()).select_from(Match)) == 0
        assert (
            await session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(or_(Notification.user_id == uuid.UUID(other.id)))
            )
            == 0
        )
    # Photos of the reports and the avatar are gone from storage.
    assert not any(await stored_keys(container.storage, lost))
    assert not any(await stored_keys(container.storage, second))
    assert not any(
        [
            await container.storage.exists(key)
            for key in photo_keys(avatar_key.removesuffix("_thumb.jpg"))
        ]
    )
    assert all(await stored_keys(container.storage, theirs))
    again = await register(client, email=me.email)
    assert again.id != me.id


async def test_account_deletion_removes_photos_from_an_s3_bucket(
    s3_client: httpx.AsyncClient, s3_app: FastAPI
) -> None:
    container: Container = s3_app.state.container
    me = await register(s3_client)
    item = await create_item(s3_client, me, "lost")
    key = item["image_url"].removeprefix("https://cdn.mafqood.test/").removesuffix(".jpg")
    assert await container.storage.exists(f"{key}.jpg")
    response = await s3_client.request(
        "DELETE", "/auth/users/me", json={"password": PASSWORD}, headers=me.headers
    )
    assert response.status_code == 200
    assert not any([await container.storage.exists(name) for name in photo_keys(key)])


async def test_sensitive_actions_are_audited_with_address_and_user_agent(
    client: httpx.AsyncClient, container: Container
) -> None:
    agent = {"User-Agent": "MafqoodApp/2.0 (Android 14)"}
    me = await register(client)
    item = await create_item(client, me, "lost")
    wrong = await client.post(
        "/auth/login", json={"email": me.email, "password": "Wrong-pass1"}, headers=agent
    )
    assert wrong.status_code == 401
    right = await client.post(
        "/auth/login", json={"email": me.email, "password": PASSWORD}, headers=agent
    )
    assert right.status_code == 200
    deleted = await client.delete(f"/api/v1/items/{item['id']}", headers={**me.headers, **agent})
    assert deleted.status_code == 200
    async with container.sessionmaker() as session:
        rows = (await session.execute(select(AuditLog).order_by(AuditLog.id))).scalars().all()
    by_action = {row.action: row for row in rows}
    assert {"register", "login_failed", "login", "item_deleted"} <= set(by_action)
    for action in ("login_failed", "login", "item_deleted"):
        row = by_action[action]
        assert str(row.ip_address) == "203.0.113.7", action
        assert row.user_agent == agent["User-Agent"], action
        assert str(row.user_id) == me.id, action
    assert str(by_action["item_deleted"].entity_id) == item["id"]
    assert by_action["login_failed"].response_status == 401
