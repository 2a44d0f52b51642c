from __future__ import annotations

import httpx
import pytest

from tests.factories import create_item, register


async def test_history_lists_own_items_by_type_with_pagination(
    client: httpx.AsyncClient,
) -> None:
    owner, other = await register(client), await register(client)
    for index in range(3):
        await create_item(client, owner, "lost", title=f"Lost {index}")
    for index in range(2):
        await create_item(client, owner, "found", title=f"Found {index}")
    await create_item(client, other, "lost")

    everything = (await client.get("/api/v1/history", headers=owner.headers)).json()
    assert len(everything["lost_items"]) == 3 and len(everything["found_items"]) == 2
    assert everything["pagination"] == {"page": 1, "page_size": 20, "total": 5, "has_more": False}
    first = everything["lost_items"][0]
    assert set(first) == {"item", "matches"} and first["matches"] == []
    assert first["item"]["title"] == "Lost 2"  # newest first

    page1 = (await client.get("/api/v1/history?page=1&page_size=2", headers=owner.headers)).json()
    page3 = (await client.get("/api/v1/history?page=3&page_size=2", headers=owner.headers)).json()
    assert page1["pagination"]["has_more"] is True and page3["pagination"]["has_more"] is False
    # A full page is counted; the last one, not full, tells the total itself.
    assert page1["pagination"]["total"] == page3["pagination"]["total"] == 5
    assert len(page1["lost_items"]) + len(page1["found_items"]) == 2
    assert len(page3["lost_items"]) + len(page3["found_items"]) == 1
    beyond = (await client.get("/api/v1/history?page=9", headers=owner.headers)).json()
    assert beyond["lost_items"] == [] and beyond["pagination"]["total"] == 5


async def test_history_status_filter_and_validation(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    item = await create_item(client, owner)
    await create_item(client, owner)
    await client.put(
        f"/api/v1/items/{item['id']}/status", json={"status": "closed"}, headers=owner.headers
    )
    closed = (await client.get("/api/v1/history?status=closed", headers=owner.headers)).json()
    assert [entry["item"]["id"] for entry in closed["lost_items"]] == [item["id"]]
    for query in ("status=lost", "page=0", "page_size=0", "page_size=101", "page=abc"):
        response = await client.get(f"/api/v1/history?{query}", headers=owner.headers)
        assert response.status_code == 422, query
    assert (await client.get("/api/v1/history")).status_code == 401


async def test_browse_filters(client: httpx.AsyncClient) -> None:
    venue, person = await register(client, is_venue=True), await register(client)
    wallet = await create_item(
        client,
        venue,
        "found",
        title="Brown leather wallet",
        category="wallet",
        color="brown",
        location="Dubai Mall",
        latitude="25.1972",
        longitude="55.2744",
        date_time="2026-01-03T10:00:00Z",
        contact_method="phone",
        contact_phone="+971501111111",
    )
    keys = await create_item(
        client,
        venue,
        "found",
        title="Car keys",
        category="keys",
        location="Abu Dhabi Airport",
        latitude="24.4330",
        longitude="54.6511",
        date_time="2026-01-05T10:00:00Z",
    )
    arabic = await create_item(
        client,
        person,
        "lost",
        title="محفظة سوداء",
        description="فيها بطاقة هوية",
        category="wallet",
        location="مترو دبي",
        latitude=None,
        longitude=None,
        date_time="2026-01-04T10:00:00Z",
    )

    async def ids(query: str) -> list[str]:
        response = await client.get(f"/api/v1/items?{query}")
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids("") == [arabic["id"], keys["id"], wallet["id"]]  # newest first
    assert await ids("type=found") == [keys["id"], wallet["id"]]
    assert await ids("category=wallet") == [arabic["id"], wallet["id"]]
    assert await ids("q=LEATHER") == [wallet["id"]]
    assert await ids("q=brown%20dubai") == [wallet["id"]]
    assert await ids("q=محفظة") == [arabic["id"]]
    assert await ids("q=بطاقة") == [arabic["id"]]
    assert await ids("q=100%25") == []
    assert await ids("date_from=2026-01-04T00:00:00Z") == [arabic["id"], keys["id"]]
    assert await ids("date_to=2026-01-04T00:00:00Z") == [wallet["id"]]
    # Dubai Mall is ~110 km from Abu Dhabi airport.
    assert await ids("near=25.20,55.27&radius_km=5") == [wallet["id"]]
    assert await ids("near=25.20,55.27&radius_km=200") == [keys["id"], wallet["id"]]

    body = (await client.get("/api/v1/items?type=found")).json()
    assert all(
        "contact_phone" not in item and "contact_email" not in item for item in body["items"]
    )
    assert body["pagination"] == {"page": 1, "page_size": 20, "total": 2, "has_more": False}
    paged = (await client.get("/api/v1/items?page=2&page_size=1")).json()
    assert [item["id"] for item in paged["items"]] == [keys["id"]]
    assert paged["pagination"]["has_more"] is True


async def test_browse_hides_closed_items(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    item = await create_item(client, owner)
    await client.put(
        f"/api/v1/items/{item['id']}/status", json={"status": "closed"}, headers=owner.headers
    )
    assert (await client.get("/api/v1/items")).json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("type=stolen", "type"),
        ("category=car", "category"),
        ("near=25.2", "near"),
        ("near=abc,def", "near"),
        ("near=95,55", "near"),
        ("radius_km=0", "radius_km"),
        ("radius_km=501", "radius_km"),
        ("date_from=someday", "date_from"),
        ("date_from=2026-02-01T00:00:00Z&date_to=2026-01-01T00:00:00Z", "date_from"),
        ("page=0", "page"),
        ("page_size=1000", "page_size"),
        ("q=" + "x" * 201, "q"),
    ],
)
async def test_browse_bad_queries(client: httpx.AsyncClient, query: str, field: str) -> None:
    response = await client.get(f"/api/v1/items?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]
