"""Lost reports without a photo (POST /api/v1/lost/described): stored, analysed by their text
and matched by what is known; the app's own calls keep requiring a photo."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from mafqood.composition.container import Container
from mafqood.items.models import Item
from mafqood.lifecycle.models import Match
from tests import images
from tests.factories import Account, item_form, register, wait_for


async def describe(client: httpx.AsyncClient, account: Account, **fields: Any) -> httpx.Response:
    return await client.post(
        "/api/v1/lost/described", data=item_form(**fields), headers=account.headers
    )


async def test_a_lost_report_without_a_photo_is_stored_and_analysed(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    response = await describe(client, account)
    assert response.status_code == 201, response.text
    item = response.json()["item"]
    assert item["type"] == "lost" and item["title"] == "Black iPhone 14 Pro"
    assert item["image_url"] is None and item["thumbnail_url"] is None and item["photos"] == []

    async def analysed() -> dict[str, Any] | None:
        seen = await client.get(f"/api/v1/items/{item['id']}", headers=account.headers)
        body: dict[str, Any] = seen.json()
        return body if body["analysis_status"] != "pending" else None

    done = await wait_for(analysed)
    assert done["analysis_status"] == "done" and done["analysis_error"] is None


async def test_a_photo_added_later_becomes_the_main_photo(client: httpx.AsyncClient) -> None:
    account = await register(client)
    item = (await describe(client, account)).json()["item"]
    added = await client.post(
        f"/api/v1/items/{item['id']}/photos",
        files={"image": ("a.jpg", images.jpeg(seed=404), "image/jpeg")},
        headers=account.headers,
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert f"/media/items/{item['id']}_" in body["image_url"]
    assert body["image_url"] == body["photos"][0]["url"]
    assert [photo["position"] for photo in body["photos"]] == [0]
    assert (await client.get(body["image_url"].removeprefix("http://test"))).status_code == 200


async def test_the_apps_calls_still_need_a_photo(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    for kind in ("lost", "found"):
        response = await client.post(f"/api/v1/{kind}", data=item_form(), headers=account.headers)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "image"]
    # Found reports have no photo-less form: the desk or finder has the object in hand.
    found = await client.post("/api/v1/found/described", data=item_form(), headers=account.headers)
    assert found.status_code in (404, 405)
    async with container.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Item)) == 0


async def _found(client: httpx.AsyncClient, finder: Account, seed: int, **fields: Any) -> str:
    response = await client.post(
        "/api/v1/found",
        data=item_form(brand=None, **fields),
        files={"image": ("f.jpg", images.jpeg(seed=seed), "image/jpeg")},
        headers=finder.headers,
    )
    assert response.status_code == 201, response.text
    item_id: str = response.json()["item"]["id"]
    return item_id


async def _venue_shelf(client: httpx.AsyncClient) -> tuple[Account, dict[str, str]]:
    """A desk's found reports at one place and hour: a wallet and look-alike neighbours."""
    finder = await register(client, is_venue=True)
    shelf = {
        "wallet": await _found(
            client,
            finder,
            9001,
            title="Black leather wallet",
            description="Men's leather wallet, bank cards inside",
            category="wallet",
            color="black",
        ),
        "umbrella": await _found(
            client,
            finder,
            9002,
            title="Umbrella",
            description="Folding umbrella with a wooden handle",
            category="other",
            color="blue",
        ),
        "headphones": await _found(
            client,
            finder,
            9003,
            title="Wireless headphones",
            description="White over-ear headphones in a case",
            category="electronics",
            color="white",
        ),
        "keys": await _found(
            client,
            finder,
            9004,
            title="Keys",
            description="Bunch of three keys on a red ring",
            category="keys",
            color="red",
        ),
    }
    return finder, shelf


async def _matches_of(
    client: httpx.AsyncClient, account: Account, submitted: dict[str, Any]
) -> list[dict[str, Any]]:
    if submitted["matching"] == "done":
        return list(submitted["matches"])
    item_id = submitted["item"]["id"]

    async def listed() -> list[dict[str, Any]] | None:
        seen = await client.get(f"/api/v1/items/{item_id}", headers=account.headers)
        if seen.json()["analysis_status"] == "pending":
            return None
        body = await client.get(
            f"/api/v1/items/{item_id}/matches?min_similarity=0", headers=account.headers
        )
        return list(body.json()["matches"])

    found: list[dict[str, Any]] = await wait_for(listed)
    return found


@pytest.mark.parametrize(
    ("language", "fields"),
    [
        (
            "en",
            {
                "title": "Lost my wallet",
                "description": "Black leather wallet with my bank cards and driving licence",
                "category": "wallet",
            },
        ),
        (
            "ar",
            {
                "title": "محفظة سوداء",
                "description": "فقدت محفظتي الجلدية السوداء وفيها بطاقات البنك ورخصة القيادة",
                "category": None,
                "color": "أسود",
            },
        ),
    ],
)
async def test_a_description_finds_the_found_report(
    client: httpx.AsyncClient, language: str, fields: dict[str, Any]
) -> None:
    _, shelf = await _venue_shelf(client)
    owner = await register(client)
    response = await describe(client, owner, brand=None, **{"color": None, **fields})
    assert response.status_code == 201, response.text
    found = await _matches_of(client, owner, response.json())
    assert found, f"no match for the {language} description"
    best = found[0]
    assert best["matched_item"]["id"] == shelf["wallet"]
    features = best["matching_features"]
    assert features["scored_by"] == "description" and features["visual_similarity"] is None
    assert features["text_similarity"] > 0.4 and features["color_match"] is True
    assert best["confidence"] in {"medium", "low"}
    assert all(match["confidence"] != "high" for match in found)
    # Unrelated objects of other categories do not crowd the answer.
    assert shelf["keys"] not in {match["matched_item"]["id"] for match in found}


async def test_a_found_report_made_later_finds_the_description(
    client: httpx.AsyncClient,
) -> None:
    owner = await register(client)
    lost = await describe(
        client,
        owner,
        title="iPhone",
        description="Black iPhone 14 Pro in a clear case, cracked screen",
        category="phone",
        brand="Apple",
    )
    lost_id = lost.json()["item"]["id"]
    finder = await register(client, is_venue=True)
    response = await client.post(
        "/api/v1/found",
        data=item_form(
            title="Phone found",
            description="Apple iPhone, black, screen broken",
            date_time="2026-01-03T16:00:00Z",
        ),
        files={"image": ("f.jpg", images.jpeg(seed=9100), "image/jpeg")},
        headers=finder.headers,
    )
    assert response.status_code == 201, response.text
    found = await _matches_of(client, finder, response.json())
    pair = next(match for match in found if match["matched_item"]["id"] == lost_id)
    assert pair["matching_features"]["scored_by"] == "description"
    assert pair["matching_features"]["brand_match"] is True
    assert pair["confidence"] != "high"
    mine = await client.get(f"/api/v1/items/{lost_id}/matches", headers=owner.headers)
    assert [m["id"] for m in mine.json()["matches"]] == [pair["id"]]


@pytest.mark.parametrize(
    ("fields", "field", "error_type"),
    [
        ({"title": ""}, "title", "missing"),
        ({"title": "x" * 300}, "title", "string_too_long"),
        ({"location": None}, "location", "missing"),
        ({"date_time": "yesterday"}, "date_time", "datetime_from_date_parsing"),
        ({"date_time": "2099-01-01T00:00:00Z"}, "date_time", "date_in_future"),
        ({"category": "spaceship"}, "category", "literal_error"),
        ({"latitude": "95"}, "latitude", "less_than_equal"),
        ({"description": "d" * 5001}, "description", "string_too_long"),
        ({"contact_method": "phone", "contact_phone": None}, "contact_phone", None),
        ({"longitude": None}, "longitude", None),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient,
    container: Container,
    fields: dict[str, Any],
    field: str,
    error_type: str | None,
) -> None:
    account = await register(client)
    response = await describe(client, account, **fields)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] and body["message"] and body["request_id"] is not None
    assert any(
        error["loc"][-1] == field and (error_type is None or error["type"] == error_type)
        for error in body["detail"]
    ), body
    async with container.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Item)) == 0


async def test_signed_in_only_and_only_the_owner_sees_its_matches(
    client: httpx.AsyncClient,
) -> None:
    anonymous = await client.post("/api/v1/lost/described", data=item_form())
    assert anonymous.status_code == 401 and anonymous.json()["code"]
    owner, stranger = await register(client), await register(client)
    item_id = (
        await describe(client, owner, contact_method="email", contact_email="me@example.com")
    ).json()["item"]["id"]
    for method, path in (
        ("GET", f"/api/v1/items/{item_id}/matches"),
        ("DELETE", f"/api/v1/items/{item_id}"),
    ):
        denied = await client.request(method, path, headers=stranger.headers)
        assert denied.status_code == 404, (method, path)
    photo = await client.post(
        f"/api/v1/items/{item_id}/photos",
        files={"image": ("a.jpg", images.jpeg(seed=1), "image/jpeg")},
        headers=stranger.headers,
    )
    assert photo.status_code == 404
    seen = await client.get(f"/api/v1/items/{item_id}", headers=stranger.headers)
    assert seen.status_code == 200 and seen.json().get("contact_email") is None


async def test_openapi_documents_the_extension(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    operation = document["paths"]["/api/v1/lost/described"]["post"]
    assert operation["x-mafqood-extension"] is True
    assert "scored_by" in operation["description"]
    # The app's own call is unchanged: its photo is still required.
    lost = document["paths"]["/api/v1/lost"]["post"]
    schema_ref = lost["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    schema = document["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert "image" in schema["required"]


async def test_reported_at_the_same_moment_they_are_paired_once(
    client: httpx.AsyncClient, container: Container
) -> None:
    """A description and the found report of the same object, sent together and analysed by
    the vision workers at once: one of the two searches sees the other, and the pair is
    stored once."""
    owner, finder = await register(client), await register(client, is_venue=True)
    description = describe(
        client,
        owner,
        title="Lost my wallet",
        description="Black leather wallet with my bank cards",
        category="wallet",
        brand=None,
    )
    found = client.post(
        "/api/v1/found",
        data=item_form(
            title="Black leather wallet",
            description="Leather wallet with bank cards",
            category="wallet",
            brand=None,
        ),
        files={"image": ("f.jpg", images.jpeg(seed=9200), "image/jpeg")},
        headers=finder.headers,
    )
    lost_answer, found_answer = await asyncio.gather(description, found)
    assert lost_answer.status_code == found_answer.status_code == 201
    lost_id = uuid.UUID(lost_answer.json()["item"]["id"])
    found_id = uuid.UUID(found_answer.json()["item"]["id"])

    async def settled() -> bool:
        async with container.sessionmaker() as session:
            pending = await session.scalar(
                select(func.count()).where(
                    Item.id.in_([lost_id, found_id]), Item.analysis_status == "pending"
                )
            )
            return pending == 0

    await wait_for(settled)
    async with container.sessionmaker() as session:
        pairs = list(
            await session.scalars(
                select(Match).where(
                    Match.user_item_id == lost_id, Match.matched_item_id == found_id
                )
            )
        )
    assert len(pairs) == 1
    assert pairs[0].matching_features["scored_by"] == "description"
    assert pairs[0].confidence != "high"
