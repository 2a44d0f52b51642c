"""Notification rows (notify), the list / read endpoints, and push-device registration."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from mafqood.composition.container import Container
from mafqood.notifications.models import DeviceToken, Notification
from mafqood.notifications.service import notify
from mafqood.worker.outbox import OutboxJob
from tests.factories import register
from tests.notifications.conftest import insert_item


async def make_notifications(
    container: Container, user_id: str, count: int, kind: str = "system"
) -> list[uuid.UUID]:
    ids = []
    async with container.sessionmaker() as session:
        for number in range(count):
            row = await notify(
                session,
                uuid.UUID(user_id),
                "update",
                "notify.item_status",
                params={"item_title": f"Wallet {number}", "status": "closed"},
            )
            ids.append(row.id)
        await session.commit()
    return ids


async def test_list_newest_first_with_pages_and_counts(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    other = await register(client)
    ids = await make_notifications(container, owner.id, 25)
    await make_notifications(container, other.id, 2)
    # Distinct times, so the order is certain: the last one made is the newest.
    async with container.sessionmaker() as session:
        for age, notification_id in enumerate(reversed(ids)):
            await session.execute(
                update(Notification)
                .where(Notification.id == notification_id)
                .values(created_at=datetime.now(UTC) - timedelta(minutes=age))
            )
        await session.commit()

    first = (await client.get("/api/v1/notifications", headers=owner.headers)).json()
    assert first["total"] == 25 and first["unread_count"] == 25 and first["has_more"] is True
    assert len(first["notifications"]) == 20
    assert [n["id"] for n in first["notifications"]] == [str(i) for i in reversed(ids[5:])]
    entry = first["notifications"][0]
    assert entry == {
        "id": str(ids[-1]),
        "type": "update",
        "title": "Item updated",
        "message": "Wallet 24 is now closed.",
        "item_id": None,
        "match_id": None,
        "venue_verified": None,
        "is_read": False,
        "created_at": entry["created_at"],
    }

    second = (
        await client.get("/api/v1/notifications?page=2&page_size=20", headers=owner.headers)
    ).json()
    assert len(second["notifications"]) == 5 and second["has_more"] is False

    # Read three; unread_only lists the rest and unread_count follows.
    for notification_id in ids[:3]:
        response = await client.put(
            f"/api/v1/notifications/{notification_id}/read", headers=owner.headers
        )
        assert response.status_code == 200
        assert response.json()["is_read"] is True and response.json()["read_at"]
    unread = (
        await client.get(
            "/api/v1/notifications?unread_only=true&page_size=100", headers=owner.headers
        )
    ).json()
    assert unread["total"] == 22 and unread["unread_count"] == 22
    assert {n["id"] for n in unread["notifications"]}.isdisjoint({str(i) for i in ids[:3]})
    everything = (await client.get("/api/v1/notifications", headers=owner.headers)).json()
    assert everything["total"] == 25 and everything["unread_count"] == 22


async def test_pagination_bounds_are_validated(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    for query in ("page=0", "page_size=0", "page_size=101", "unread_only=maybe"):
        response = await client.get(f"/api/v1/notifications?{query}", headers=owner.headers)
        assert response.status_code == 422, query
    assert (await client.get("/api/v1/notifications")).status_code == 401


async def test_marking_read_twice_keeps_the_first_time(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    [notification_id] = await make_notifications(container, owner.id, 1)
    url = f"/api/v1/notifications/{notification_id}/read"
    first = (await client.put(url, headers=owner.headers)).json()
    again = (await client.put(url, headers=owner.headers)).json()
    assert first == again


async def test_someone_elses_notification_is_not_found(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    intruder = await register(client)
    [notification_id] = await make_notifications(container, owner.id, 1)
    response = await client.put(
        f"/api/v1/notifications/{notification_id}/read", headers=intruder.headers
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    missing = await client.put(f"/api/v1/notifications/{uuid.uuid4()}/read", headers=owner.headers)
    assert missing.status_code == 404
    bad_id = await client.put("/api/v1/notifications/nope/read", headers=owner.headers)
    assert bad_id.status_code == 422
    # Still unread for its owner.
    listing = (await client.get("/api/v1/notifications", headers=owner.headers)).json()
    assert listing["unread_count"] == 1


async def test_read_all_marks_only_ones_own(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    other = await register(client)
    await make_notifications(container, owner.id, 3)
    await make_notifications(container, other.id, 2)
    response = await client.put("/api/v1/notifications/read-all", headers=owner.headers)
    assert response.status_code == 200
    assert response.json() == {"message": "All notifications marked as read", "count": 3}
    again = await client.put(
        "/api/v1/notifications/read-all", headers={**owner.headers, "Accept-Language": "ar"}
    )
    assert again.json() == {"message": "تم تعليم جميع الإشعارات كمقروءة", "count": 0}
    theirs = (await client.get("/api/v1/notifications", headers=other.headers)).json()
    assert theirs["unread_count"] == 2


async def test_expired_notifications_are_not_listed(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    ids = await make_notifications(container, owner.id, 2)
    async with container.sessionmaker() as session:
        await session.execute(
            update(Notification)
            .where(Notification.id == ids[0])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()
    listing = (await client.get("/api/v1/notifications", headers=owner.headers)).json()
    assert [n["id"] for n in listing["notifications"]] == [str(ids[1])]
    assert listing["unread_count"] == 1


async def test_texts_are_in_the_recipients_language(
    client: httpx.AsyncClient, container: Container
) -> None:
    arabic = await register(client, preferred_language="ar")
    english = await register(client)
    item_id = await insert_item(container, arabic.id, "lost", "محفظة سوداء")
    async with container.sessionmaker() as session:
        for account in (arabic, english):
            await notify(
                session,
                uuid.UUID(account.id),
                "match",
                "notify.new_match",
                params={"item_title": "محفظة سوداء", "confidence": "high"},
                item_id=item_id,
            )
        await session.commit()
    [ar] = (await client.get("/api/v1/notifications", headers=arabic.headers)).json()[
        "notifications"
    ]
    [en] = (await client.get("/api/v1/notifications", headers=english.headers)).json()[
        "notifications"
    ]
    assert ar["title"] == "تم العثور على تطابق جديد!"
    assert ar["message"] == "وجدنا تطابقًا محتملًا لغرضك محفظة سوداء (درجة الثقة: عالية)."
    assert en["title"] == "New match found!"
    assert en["message"] == "We found a possible match for your محفظة سوداء (high confidence)."
    assert ar["item_id"] == str(item_id) and ar["type"] == "match"


@pytest.mark.parametrize(
    ("key", "params"),
    [
        ("notify.new_match", {"item_title": "x", "confidence": "low"}),
        ("notify.match_confirmed", {"item_title": "x", "other_name": "Sara"}),
        ("notify.match_rejected", {"item_title": "x"}),
        ("notify.item_status", {"item_title": "x", "status": "claimed"}),
        ("notify.contact_shared", {"item_title": "x", "other_name": "Sara", "contact": "+9715"}),
    ],
)
async def test_every_text_key_exists_in_both_languages(
    client: httpx.AsyncClient, container: Container, key: str, params: dict[str, str]
) -> None:
    for language in ("en", "ar"):
        account = await register(client, preferred_language=language)
        async with container.sessionmaker() as session:
            row = await notify(session, uuid.UUID(account.id), "match", key, params=params)
            await session.commit()
        assert "{" not in row.title + row.message
        assert "x" in row.message


async def test_unknown_text_key_or_user_is_refused(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    async with container.sessionmaker() as session:
        with pytest.raises(KeyError):
            await notify(session, uuid.UUID(account.id), "system", "notify.nothing_like_this")
        with pytest.raises(LookupError):
            await notify(session, uuid.uuid4(), "system", "notify.match_rejected")
        await session.rollback()


async def test_rolled_back_notification_leaves_nothing(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    async with container.sessionmaker() as session:
        await notify(
            session,
            uuid.UUID(account.id),
            "system",
            "notify.match_rejected",
            params={"item_title": "Keys"},
            event={"type": "item_status", "item_id": str(uuid.uuid4()), "status": "closed"},
        )
        await session.rollback()
    async with container.sessionmaker() as session:
        assert list(await session.scalars(select(Notification.id))) == []
        assert list(await session.scalars(select(OutboxJob.id))) == []


# -- devices ---------------------------------------------------------------------------


async def test_register_update_and_remove_a_device(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    body = {"token": "fcm-token:abc_123-XYZ", "platform": "android", "app_version": "1.4.2"}
    created = await client.post("/api/v1/devices", json=body, headers=owner.headers)
    assert created.status_code == 201, created.text
    data = created.json()
    assert data["platform"] == "android" and data["app_version"] == "1.4.2"
    again = await client.post(
        "/api/v1/devices", json={**body, "app_version": "1.5.0"}, headers=owner.headers
    )
    assert again.status_code == 200
    assert again.json()["id"] == data["id"] and again.json()["app_version"] == "1.5.0"

    removed = await client.request(
        "DELETE", "/api/v1/devices", json={"token": body["token"]}, headers=owner.headers
    )
    assert removed.status_code == 204
    gone = await client.request(
        "DELETE", "/api/v1/devices", json={"token": body["token"]}, headers=owner.headers
    )
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"platform": "ios"}, "token"),
        ({"token": "", "platform": "ios"}, "token"),
        ({"token": "   ", "platform": "ios"}, "token"),
        ({"token": "has space", "platform": "ios"}, "token"),
        ({"token": "x" * 4097, "platform": "ios"}, "token"),
        ({"token": "abc", "platform": "windows"}, "platform"),
        ({"token": "abc"}, "platform"),
        ({"token": "abc", "platform": "ios", "app_version": "1" * 33}, "app_version"),
        ({"token": "abc", "platform": "ios", "user_id": str(uuid.uuid4())}, "user_id"),
        ({"token": 123, "platform": "ios"}, "token"),
    ],
)
async def test_device_registration_refuses_bad_input(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    owner = await register(client)
    response = await client.post("/api/v1/devices", json=body, headers=owner.headers)
    assert response.status_code == 422, response.text
    assert field in [entry["loc"][-1] for entry in response.json()["detail"]]


async def test_device_endpoints_need_sign_in_and_valid_bodies(client: httpx.AsyncClient) -> None:
    body = {"token": "abc", "platform": "ios"}
    assert (await client.post("/api/v1/devices", json=body)).status_code == 401
    assert (await client.request("DELETE", "/api/v1/devices", json=body)).status_code == 401
    owner = await register(client)
    response = await client.request("DELETE", "/api/v1/devices", json={}, headers=owner.headers)
    assert response.status_code == 422
    response = await client.post("/api/v1/devices", content=b"{", headers=owner.headers)
    assert response.status_code == 422


async def test_another_users_token(client: httpx.AsyncClient, container: Container) -> None:
    first = await register(client)
    second = await register(client)
    body = {"token": "shared-phone-token", "platform": "ios"}
    assert (await client.post("/api/v1/devices", json=body, headers=first.headers)).is_success
    # Deleting someone else's token is refused and leaves it in place.
    refused = await client.request(
        "DELETE", "/api/v1/devices", json={"token": body["token"]}, headers=second.headers
    )
    assert refused.status_code == 404
    async with container.sessionmaker() as session:
        device = await session.scalar(select(DeviceToken).where(DeviceToken.token == body["token"]))
        assert device is not None and str(device.user_id) == first.id
    # Registering it from another account moves the phone to that account (who signed in
    # on it last), so the first account's pushes stop going there.
    moved = await client.post("/api/v1/devices", json=body, headers=second.headers)
    assert moved.status_code == 200
    async with container.sessionmaker() as session:
        devices = list(await session.scalars(select(DeviceToken)))
        assert [str(d.user_id) for d in devices] == [second.id]
    first_delete = await client.request(
        "DELETE", "/api/v1/devices", json={"token": body["token"]}, headers=first.headers
    )
    assert first_delete.status_code == 404


async def test_old_devices_beyond_the_limit_are_forgotten(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    for number in range(12):
        response = await client.post(
            "/api/v1/devices",
            json={"token": f"token-{number}", "platform": "android"},
            headers=owner.headers,
        )
        assert response.is_success
    async with container.sessionmaker() as session:
        tokens = set(await session.scalars(select(DeviceToken.token)))
    assert len(tokens) == 10
    assert "token-11" in tokens
