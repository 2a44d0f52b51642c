"""Retention: items past their holding period, their disposal, and the daily notice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select, text

from mafqood.audit.models import AuditLog
from mafqood.composition.container import Container
from mafqood.lifecycle import retention
from mafqood.lifecycle.models import Disposal, Handover, Match
from mafqood.worker.app import RETENTION_NOTICES
from tests.factories import Account, insert_report, pin_match, register, wait_for
from tests.venues.helpers import add_member, create_venue, intake_one
from tests.workers import WorkerProcess


async def backdate(container: Container, item_id: str, days: float) -> None:
    """As if the desk had taken the item in `days` days ago."""
    async with container.sessionmaker() as session:
        await session.execute(
            text("UPDATE items SET created_at = now() - :days * interval '1 day' WHERE id = :id"),
            {"days": days, "id": uuid.UUID(item_id)},
        )
        await session.commit()


async def due(client: httpx.AsyncClient, account: Account, venue_id: str, **params: Any) -> Any:
    response = await client.get(
        f"/api/v1/venues/{venue_id}/disposals/due", params=params, headers=account.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def dispose(
    client: httpx.AsyncClient, account: Account, venue_id: str, item_id: str, **body: Any
) -> Any:
    return client.post(
        f"/api/v1/venues/{venue_id}/items/{item_id}/disposal",
        json={"method": "donated", **body},
        headers=account.headers,
    )


async def test_due_list_follows_category_defaults_and_venue_overrides(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner, retention_days={"wallet": 10})
    wallet = await intake_one(client, owner, venue["id"], category="wallet")
    keys = await intake_one(client, owner, venue["id"], category="keys", title="Car keys")
    papers = await intake_one(client, owner, venue["id"], category="documents", title="Passport")
    fresh = await intake_one(client, owner, venue["id"], category="id", title="Emirates ID")
    await backdate(container, wallet["id"], 11)  # the venue holds wallets 10 days: due
    await backdate(container, keys["id"], 50)  # keys: 60 days by default, not yet
    await backdate(container, papers["id"], 40)  # documents: 30 days by default

    body = await due(client, owner, venue["id"])
    assert [row["item"]["id"] for row in body["items"]] == [papers["id"], wallet["id"]]
    first, second = body["items"]
    assert (first["retention_days"], first["days_overdue"]) == (30, 10)
    assert (second["retention_days"], second["days_overdue"]) == (10, 1)
    assert first["item"]["tag_code"] == papers["tag_code"]
    assert datetime.fromisoformat(first["due_at"]) < datetime.now(UTC)
    assert body["pagination"] == {"page": 1, "page_size": 20, "total": 2, "has_more": False}
    page = await due(client, owner, venue["id"], page_size=1)
    assert page["pagination"]["has_more"] and len(page["items"]) == 1
    assert fresh["id"] not in {row["item"]["id"] for row in body["items"]}

    # Owners change the period; the list follows at once.
    await client.patch(
        f"/api/v1/venues/{venue['id']}",
        json={"retention_days": {"keys": 45}},
        headers=owner.headers,
    )
    body = await due(client, owner, venue["id"])
    assert {row["item"]["id"] for row in body["items"]} == {papers["id"], keys["id"]}


async def test_disposal_closes_the_item_and_keeps_the_record(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    item = await intake_one(client, staff, venue["id"], category="id", title="Emirates ID card")
    seeker = await register(client)
    lost_id = await insert_report(container.sessionmaker, seeker.id, category="id")
    match_id = await pin_match(container.sessionmaker, str(lost_id), item["id"])
    await backdate(container, item["id"], 31)
    browse = await client.get("/api/v1/items", params={"type": "found", "q": "emirates"})
    assert [row["id"] for row in browse.json()["items"]] == [item["id"]]

    police = await dispose(client, staff, venue["id"], item["id"], method="police")
    assert police.status_code == 422
    assert police.json()["detail"][0]["type"] == "police_reference_required"
    response = await dispose(
        client, staff, venue["id"], item["id"], method="police", notes="  Al Barsha, 2026/4471 "
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["method"] == "police" and body["notes"] == "Al Barsha, 2026/4471"
    assert body["staff_id"] == staff.id and body["item"]["status"] == "closed"

    # Out of public browsing, closed for the desk, its pending match expired; nothing deleted.
    browse = await client.get("/api/v1/items", params={"type": "found", "q": "emirates"})
    assert browse.json()["items"] == []
    desk = await client.get(
        f"/api/v1/venues/{venue['id']}/items/{item['id']}", headers=owner.headers
    )
    assert desk.json()["status"] == "closed"
    async with container.sessionmaker() as session:
        row = await session.get(Disposal, uuid.UUID(item["id"]))
        assert row is not None and row.staff_id == uuid.UUID(staff.id)
        match = await session.get(Match, uuid.UUID(match_id))
        assert match is not None and match.status == "expired"
        audit = (
            await session.scalars(select(AuditLog).where(AuditLog.action == "item_disposed"))
        ).all()
        assert [(a.user_id, a.entity_id) for a in audit] == [
            (uuid.UUID(staff.id), uuid.UUID(item["id"]))
        ]
        assert audit[0].request_data == {"venue": venue["id"], "method": "police"}
    assert (await due(client, owner, venue["id"]))["items"] == []

    again = await dispose(client, owner, venue["id"], item["id"])
    assert again.status_code == 409 and again.json()["code"] == "item_not_held"

    history = await client.get(f"/api/v1/venues/{venue['id']}/disposals", headers=owner.headers)
    assert history.status_code == 200
    [entry] = history.json()["disposals"]
    assert entry["item"]["id"] == item["id"] and entry["staff_name"] == "Ahmad Ali"
    later = await client.get(
        f"/api/v1/venues/{venue['id']}/disposals",
        params={"from": "2099-01-01T00:00:00Z"},
        headers=owner.headers,
    )
    assert later.json() == {
        "disposals": [],
        "pagination": {"page": 1, "page_size": 20, "total": 0, "has_more": False},
    }


async def test_only_held_items_past_their_period_of_ones_own_venue(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    fresh = await intake_one(client, owner, venue["id"])
    response = await dispose(client, owner, venue["id"], fresh["id"])
    assert response.status_code == 409 and response.json()["code"] == "not_due_for_disposal"

    collected = await intake_one(client, owner, venue["id"], title="Brown wallet")
    await backdate(container, collected["id"], 200)
    async with container.sessionmaker() as session:
        session.add(
            Handover(
                item_id=uuid.UUID(collected["id"]),
                collected_by_name="Sara Ahmed",
                collected_at=datetime.now(UTC),
                id_checked=True,
            )
        )
        await session.commit()
    response = await dispose(client, owner, venue["id"], collected["id"])
    assert response.status_code == 409 and response.json()["code"] == "item_not_held"
    assert (await due(client, owner, venue["id"]))["items"] == []

    other_owner = await register(client)
    other = await create_venue(client, other_owner, name="Mall of the Emirates")
    theirs = await intake_one(client, other_owner, other["id"])
    await backdate(container, theirs["id"], 200)
    response = await dispose(client, owner, venue["id"], theirs["id"])
    assert response.status_code == 404
    # Not a member: every endpoint answers as for a venue that does not exist.
    base = f"/api/v1/venues/{other['id']}"
    for path in ("/disposals/due", "/disposals", "/reports"):
        response = await client.get(base + path, headers=owner.headers)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert (await dispose(client, owner, other["id"], theirs["id"])).status_code == 404
    assert (await client.get(base + "/disposals/due")).status_code == 401


async def test_bad_input_is_refused_with_the_field_named(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    item = await intake_one(client, owner, venue["id"])
    await backdate(container, item["id"], 100)
    cases = [
        ({"method": "sold"}, "method"),
        ({"notes": "handed to\x00charity"}, "notes"),
        ({"notes": "x" * 1001}, "notes"),
    ]
    for body, field in cases:
        response = await dispose(client, owner, venue["id"], item["id"], **body)
        assert response.status_code == 422, body
        error = response.json()
        assert error["code"] == "validation_error" and error["request_id"]
        assert error["detail"][0]["loc"] == ["body", field], error
    history = f"/api/v1/venues/{venue['id']}/disposals"
    for params, field, kind in [
        ({"from": "yesterday"}, "from", "datetime_from_date_parsing"),
        ({"from": "1900-01-01T00:00:00Z"}, "from", "date_out_of_range"),
        ({"from": "2026-03-02T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "to", "date_order"),
        ({"page_size": 0}, "page_size", "greater_than_equal"),
    ]:
        response = await client.get(history, params=params, headers=owner.headers)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["loc"] == ["query", field]
        assert response.json()["detail"][0]["type"] == kind
    assert (await dispose(client, owner, venue["id"], item["id"])).status_code == 201


async def notices(client: httpx.AsyncClient, account: Account) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/notifications", headers=account.headers)
    return [
        row
        for row in response.json()["notifications"]
        if row["title"] == "Items past their holding period"
    ]


async def test_daily_notice_reaches_members_once(
    client: httpx.AsyncClient, container: Container, worker: WorkerProcess
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner, name="City Centre Deira")
    staff = await add_member(client, container, venue["id"])
    first = await intake_one(client, owner, venue["id"], category="keys", title="Keys")
    second = await intake_one(client, owner, venue["id"], category="bag", title="Bag")
    await intake_one(client, owner, venue["id"], category="jewelry", title="Ring")
    # Due for a long time: announced before the last day, so not news.
    await backdate(container, first["id"], 365)
    assert await retention.send_due_notices(container) == 0

    await backdate(container, second["id"], 60.5)  # due half a day ago
    # The scheduled task, run by a real worker.
    await container.tasks.send(RETENTION_NOTICES, [])
    [notice] = await wait_for(lambda: notices(client, owner))
    # The worker records when it told the venue just after its notices commit.
    await wait_for(lambda: container.redis.get(retention.NOTICED_KEY.format(venue=venue["id"])))
    assert notice["message"] == "2 items at City Centre Deira are past their holding period."
    assert notice["type"] == "system"
    assert len(await notices(client, staff)) == 1
    # Twice the same day: nobody hears twice.
    assert await retention.send_due_notices(container) == 0

    # The next day: nothing newly due, no notice; a newly due item makes one.
    day = datetime.now(UTC).date().isoformat()
    await container.redis.delete(retention.NOTICE_DAY_KEY.format(venue=venue["id"], day=day))
    assert await retention.send_due_notices(container) == 0
    third = await intake_one(client, owner, venue["id"], category="wallet", title="Wallet")
    await backdate(container, third["id"], 90)  # due this very moment
    assert await retention.send_due_notices(container) == 1
    assert len(await notices(client, owner)) == 2 and len(await notices(client, staff)) == 2
