"""Venues, intake of several items, inventory and labels."""

from __future__ import annotations

import io
import json
import uuid

import httpx
from PIL import Image

from mafqood.composition.container import Container
from tests import images
from tests.factories import register
from tests.venues.helpers import add_member, create_venue, entry, intake, intake_one


async def test_intake_of_three_items_one_bad(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    assert venue["my_role"] == "owner"
    assert venue["retention_days"]["documents"] == 30
    entries = [
        entry("p0", title="Black wallet", control_details="Two cards and a photo of a child"),
        entry("p1", title="Blue backpack", category="bag", storage_location="Room A / bin 4"),
        entry("p2", title="Keys with a red tag", category="keys"),
    ]
    photos = {"p0": images.jpeg(seed=901), "p1": images.jpeg(seed=902), "p2": b"not a photo"}
    response = await intake(client, owner, venue["id"], entries, photos)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["created"], body["failed"]) == (2, 1), [r["error"] for r in body["results"]]
    first, second, third = body["results"]
    assert first["created"] and second["created"] and not third["created"]
    assert third["error"]["status"] == 415 and third["error"]["code"] == "unsupported_image"
    wallet = first["item"]
    assert wallet["tag_code"][3] == "-" and len(wallet["tag_code"]) == 7
    assert wallet["control_details"] == "Two cards and a photo of a child"
    assert wallet["storage_location"] == "Room B / shelf 2"
    # The contact after a match is the desk's, never the staff member's.
    assert wallet["contact_phone"] == "+97143627500"
    assert wallet["user_id"] != owner.id
    assert wallet["location"] == "Dubai Mall"

    # The public sees the item without its hidden details.
    public = await client.get(f"/api/v1/items/{wallet['id']}")
    assert public.status_code == 200
    assert "control_details" not in public.json() and "tag_code" not in public.json()

    listing = await client.get(f"/api/v1/venues/{venue['id']}/items", headers=owner.headers)
    assert listing.json()["pagination"]["total"] == 2
    by_tag = await client.get(
        f"/api/v1/venues/{venue['id']}/items",
        params={"q": wallet["tag_code"].replace("-", "").lower()},
        headers=owner.headers,
    )
    assert [item["id"] for item in by_tag.json()["items"]] == [wallet["id"]]
    by_word = await client.get(
        f"/api/v1/venues/{venue['id']}/items",
        params={"q": "backpack", "storage_location": "room a"},
        headers=owner.headers,
    )
    assert [item["title"] for item in by_word.json()["items"]] == ["Blue backpack"]
    by_category = await client.get(
        f"/api/v1/venues/{venue['id']}/items",
        params={"category": "keys"},
        headers=owner.headers,
    )
    assert by_category.json()["items"] == []


async def test_labels_png_and_pdf(client: httpx.AsyncClient, container: Container) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    item = await intake_one(client, staff, venue["id"])
    png = await client.get(item["label_url"], headers=staff.headers)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == (732, 354)
    pdf = await client.get(item["label_url"], params={"format": "pdf"}, headers=staff.headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = await client.get(item["label_url"], params={"format": "gif"}, headers=staff.headers)
    assert bad.status_code == 422


async def test_other_venue_and_strangers_see_nothing(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner_a = await register(client)
    venue_a = await create_venue(client, owner_a)
    item = await intake_one(client, owner_a, venue_a["id"], control_details="engraved J.K.")
    owner_b = await register(client)
    venue_b = await create_venue(client, owner_b, name="Mall of the Emirates")
    stranger = await register(client)
    a = venue_a["id"]
    for account in (owner_b, stranger):
        for path in (
            f"/api/v1/venues/{a}",
            f"/api/v1/venues/{a}/members",
            f"/api/v1/venues/{a}/items",
            f"/api/v1/venues/{a}/items/{item['id']}",
            f"/api/v1/venues/{a}/items/{item['id']}/label",
        ):
            response = await client.get(path, headers=account.headers)
            assert response.status_code == 404, (path, response.text)
        # Venue B's own paths do not reach venue A's item either.
        if account is owner_b:
            response = await client.get(
                f"/api/v1/venues/{venue_b['id']}/items/{item['id']}", headers=owner_b.headers
            )
            assert response.status_code == 404
        patch = await client.patch(
            f"/api/v1/venues/{a}/items/{item['id']}",
            json={"storage_location": "gone"},
            headers=account.headers,
        )
        assert patch.status_code == 404
        batch = await intake(client, account, a, [entry("p0")])
        assert batch.status_code == 404
    listing = await client.get("/api/v1/venues", headers=stranger.headers)
    assert listing.json() == {"venues": []}


async def test_removed_staff_lose_access_at_once(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    path = f"/api/v1/venues/{venue['id']}/items"
    assert (await client.get(path, headers=staff.headers)).status_code == 200
    # Staff may not remove others; owners may; the last owner stays.
    assert (
        await client.delete(
            f"/api/v1/venues/{venue['id']}/members/{owner.id}", headers=staff.headers
        )
    ).status_code == 403
    last = await client.delete(
        f"/api/v1/venues/{venue['id']}/members/{owner.id}", headers=owner.headers
    )
    assert last.status_code == 409 and last.json()["code"] == "last_owner"
    removed = await client.delete(
        f"/api/v1/venues/{venue['id']}/members/{staff.id}", headers=owner.headers
    )
    assert removed.status_code == 204
    assert (await client.get(path, headers=staff.headers)).status_code == 404


async def test_intake_bad_input(client: httpx.AsyncClient, container: Container) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    path = f"/api/v1/venues/{venue['id']}/items"
    photo = {"p0": ("p0.jpg", images.jpeg(seed=990), "image/jpeg")}
    for data, field_type in (
        ({}, "missing"),
        ({"items": "not json"}, "invalid_json"),
        ({"items": "[]"}, "invalid_json"),
        ({"items": '{"photo": "p0"}'}, "invalid_json"),
        ({"items": json.dumps([entry(f"p{i}") for i in range(11)])}, "too_many_items"),
    ):
        response = await client.post(path, data=data, files=photo, headers=owner.headers)
        assert response.status_code == 422, (data, response.text)
        body = response.json()
        assert body["code"] == "validation_error"
        assert body["detail"][0]["type"] == field_type
    arabic = await client.post(
        path,
        data={"items": json.dumps([entry(f"p{i}") for i in range(11)])},
        files=photo,
        headers={**owner.headers, "Accept-Language": "ar"},
    )
    assert "الحد الأقصى 10" in arabic.json()["message"]

    # Per-entry errors: each entry answers alone, the good one is created.
    entries = [
        entry("p0"),
        entry("nowhere"),
        {**entry("p0"), "title": 42},
        {**entry("p0"), "category": "spaceship"},
        {**entry("p0"), "title": "Wallet\x00"},
        {**entry("p0"), "date_time": "1999-01-01T00:00:00Z"},
        {"title": "No photo named"},
    ]
    response = await client.post(
        path, data={"items": json.dumps(entries)}, files=photo, headers=owner.headers
    )
    assert response.status_code == 201, response.text
    results = response.json()["results"]
    assert [r["created"] for r in results] == [True] + [False] * 6
    kinds = [r["error"]["detail"][0]["type"] for r in results[1:]]
    assert kinds == [
        "photo_missing",
        "string_type",
        "literal_error",
        "nul_character",
        "date_out_of_range",
        "missing",
    ]
    assert results[2]["error"]["detail"][0]["loc"] == ["body", "items", "2", "title"]
    # An entry that fails in the database's transaction does not spoil the ones after it.
    after_failure = await intake(
        client,
        owner,
        venue["id"],
        [entry("p0"), entry("p1", title="Umbrella"), entry("p2", title="Scarf")],
        {"p0": images.jpeg(seed=990), "p1": images.jpeg(seed=991), "p2": images.jpeg(seed=992)},
    )
    assert after_failure.status_code == 201, after_failure.text
    outcomes = after_failure.json()["results"]
    assert [r["created"] for r in outcomes] == [False, True, True]
    assert outcomes[0]["error"]["code"] == "duplicate_photo"
    # The same photo again is this desk's duplicate.
    again = await intake(client, owner, venue["id"], [entry("p0")], {"p0": images.jpeg(seed=990)})
    assert again.json()["results"][0]["error"]["code"] == "duplicate_photo"

    unknown = await intake(client, owner, str(uuid.uuid4()), [entry("p0")])
    assert unknown.status_code == 404
    anonymous = await client.post(path, data={"items": "[]"})
    assert anonymous.status_code == 401
    listing = await client.get(path, params={"page_size": 0}, headers=owner.headers)
    assert listing.status_code == 422
    reversed_dates = await client.get(
        path,
        params={"date_from": "2026-02-01T00:00:00Z", "date_to": "2026-01-01T00:00:00Z"},
        headers=owner.headers,
    )
    assert reversed_dates.status_code == 422
    assert reversed_dates.json()["detail"][0]["type"] == "date_order"
    assert (await client.get(path, params={"q": "a\x00"}, headers=owner.headers)).status_code == 422
    assert (
        await client.get(path, params={"has_matches": "maybe"}, headers=owner.headers)
    ).status_code == 422
