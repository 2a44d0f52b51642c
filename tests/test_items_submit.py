from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from mafqood.composition.container import Container
from mafqood.items.models import Item
from mafqood.items.vocabulary import CATEGORIES
from mafqood.storage import LocalStorage
from tests import images
from tests.factories import create_item, register, submit


def _stored(container: Container, url: str) -> Image.Image:
    storage = container.storage
    assert isinstance(storage, LocalStorage)
    key = url.split("/media/", 1)[1]
    return Image.open(storage.path(key))


async def test_report_lost_with_every_field(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    response = await submit(
        client, account, "lost", contact_method="phone", contact_phone="+971501234567"
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["matches"] == [] and body["match_count"] == 0
    item = body["item"]
    assert item["type"] == "lost" and item["status"] == "open"
    assert item["title"] == "Black iPhone 14 Pro" and item["category"] == "phone"
    assert item["brand"] == "Apple" and item["color"] == "black"
    assert item["location"] == "Dubai Mall" and item["location_type"] == "mall"
    assert item["location_detail"] == "Near Starbucks on ground floor"
    assert item["latitude"] == pytest.approx(25.1972) and item["longitude"] == pytest.approx(
        55.2744
    )
    assert item["date_time"].startswith("2026-01-03T14:30:00")
    assert item["contact_method"] == "phone" and item["contact_phone"] == "+971501234567"
    assert re.search(rf"/media/items/{item['id']}_[0-9a-f]{{32}}\.jpg$", item["image_url"])
    assert item["thumbnail_url"] == item["image_url"].replace(".jpg", "_thumb.jpg")
    assert _stored(container, item["thumbnail_url"]).size == (400, 400)
    assert _stored(container, item["small_thumbnail_url"]).size == (200, 200)
    served = await client.get(item["image_url"].removeprefix("http://test"))
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert "immutable" in served.headers["cache-control"]


async def test_report_found(client: httpx.AsyncClient) -> None:
    account = await register(client)
    item = await create_item(client, account, "found", title="Black iPhone found")
    assert item["type"] == "found"


async def test_what_the_app_in_users_hands_sends(client: httpx.AsyncClient) -> None:
    """Only image, title, location, date_time, location_type (the place name),
    description and location_detail."""
    account = await register(client)
    response = await client.post(
        "/api/v1/found",
        data={
            "title": "محفظة جلدية بنية",
            "location": "Mall of the Emirates",
            "date_time": "2026-01-03T14:30:00.000Z",
            "location_type": "Mall of the Emirates",
            "description": "وجدتها قرب المدخل",
            "location_detail": "Gate 3",
        },
        files={"image": ("IMG_0001.jpg", images.jpeg(seed=101), "image/jpeg")},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    item = response.json()["item"]
    assert item["title"] == "محفظة جلدية بنية"
    assert item["location_type"] == "other"
    assert item["contact_method"] == "in_app"
    assert item["category"] in CATEGORIES


FUTURE = (datetime.now(UTC) + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("fields", "field", "error_type"),
    [
        ({"title": None}, "title", "missing"),
        ({"title": "   "}, "title", "blank"),
        ({"title": "x" * 256}, "title", "string_too_long"),
        ({"location": None}, "location", "missing"),
        ({"date_time": None}, "date_time", "missing"),
        ({"date_time": "yesterday"}, "date_time", "datetime_from_date_parsing"),
        ({"date_time": FUTURE}, "date_time", "date_in_future"),
        ({"category": "car"}, "category", "literal_error"),
        ({"contact_method": "pigeon"}, "contact_method", "literal_error"),
        ({"latitude": "91"}, "latitude", "less_than_equal"),
        ({"latitude": "-91"}, "latitude", "greater_than_equal"),
        ({"longitude": "181"}, "longitude", "less_than_equal"),
        ({"longitude": "east"}, "longitude", "float_parsing"),
        ({"latitude": "nan"}, "latitude", "less_than_equal"),
        ({"description": "x" * 5001}, "description", "string_too_long"),
        ({"brand": "x" * 101}, "brand", "string_too_long"),
        ({"color": "x" * 51}, "color", "string_too_long"),
        ({"location_detail": "x" * 1001}, "location_detail", "string_too_long"),
        ({"contact_method": "phone"}, "contact_phone", "contact_required"),
        ({"contact_method": "email"}, "contact_email", "contact_required"),
        ({"contact_method": "email", "contact_email": "nope"}, "contact_email", "value_error"),
        ({"contact_method": "phone", "contact_phone": "abc"}, "contact_phone", "invalid_phone"),
        ({"longitude": None}, "longitude", "coordinates_paired"),
    ],
)
async def test_invalid_fields(
    client: httpx.AsyncClient,
    container: Container,
    fields: dict[str, str | None],
    field: str,
    error_type: str,
) -> None:
    account = await register(client)
    response = await submit(client, account, "lost", **fields)
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert any(e["loc"] == ["body", field] and e["type"] == error_type for e in errors), errors
    async with container.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Item)) == 0


async def test_missing_image(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.post(
        "/api/v1/lost",
        data={"title": "Keys", "location": "Metro", "date_time": "2026-01-03T10:00:00Z"},
        headers=account.headers,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "image"]


async def test_requires_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/lost",
        data={"title": "Keys", "location": "Metro", "date_time": "2026-01-03T10:00:00Z"},
        files={"image": ("a.jpg", images.jpeg(), "image/jpeg")},
    )
    assert response.status_code == 401


async def test_small_clock_drift_is_accepted(client: httpx.AsyncClient) -> None:
    account = await register(client)
    soon = (datetime.now(UTC) + timedelta(minutes=3)).isoformat()
    assert (await submit(client, account, date_time=soon)).status_code == 201


async def test_arabic_everywhere(client: httpx.AsyncClient) -> None:
    account = await register(client)
    item = await create_item(
        client,
        account,
        "lost",
        title="هاتف آيفون أسود",
        description="شاشة مكسورة",
        brand="أبل",
        color="أسود",
        location="دبي مول",
        location_detail="قرب النافورة",
    )
    assert item["title"] == "هاتف آيفون أسود" and item["location"] == "دبي مول"
    arabic = await client.post(
        "/api/v1/lost",
        data={"title": "x", "location": "y", "date_time": FUTURE},
        files={"image": ("a.jpg", images.jpeg(seed=5), "image/jpeg")},
        headers={**account.headers, "Accept-Language": "ar"},
    )
    assert arabic.json()["detail"][0]["msg"] == "يجب ألا يكون في المستقبل."


async def test_same_photo_twice_is_detected(client: httpx.AsyncClient) -> None:
    account = await register(client)
    photo = images.jpeg(seed=77)
    first = await submit(client, account, photo=photo)
    assert first.status_code == 201
    again = await submit(
        client, account, photo=images.encode(Image.open(io.BytesIO(photo)), "JPEG", quality=70)
    )  # re-saved: same picture
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_photo"
    assert again.json()["item_id"] == first.json()["item"]["id"]
    other = await register(client)
    assert (await submit(client, other, photo=photo)).status_code == 201


def test_stored_files_are_on_disk(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path, "http://x")
    with pytest.raises(Exception, match="outside"):
        storage.path("../../etc/passwd")
