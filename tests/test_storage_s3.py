"""The S3 backend against a real S3-speaking server (moto_server)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx
from fastapi import FastAPI

from mafqood.storage import S3Storage
from tests import images
from tests.factories import create_item, register


def _storage(app: FastAPI) -> S3Storage:
    storage = app.state.container.storage
    assert isinstance(storage, S3Storage)
    return storage


async def test_put_exists_url_delete(s3_app: FastAPI) -> None:
    storage = _storage(s3_app)
    await storage.put("temp/a.jpg", b"\xff\xd8\xffdata", "image/jpeg")
    assert await storage.exists("temp/a.jpg")
    assert await storage.get("temp/a.jpg") == b"\xff\xd8\xffdata"
    head = storage.client.head_object(Bucket=storage.bucket, Key="temp/a.jpg")
    assert head["ContentType"] == "image/jpeg"
    assert "immutable" in head["CacheControl"]
    assert storage.url("temp/a.jpg") == "https://cdn.mafqood.test/temp/a.jpg"
    await storage.delete(["temp/a.jpg", "temp/never-existed.jpg"])
    assert not await storage.exists("temp/a.jpg")
    assert await storage.healthy()


def test_presigned_urls_are_signed_locally(s3_app: FastAPI) -> None:
    # moto does not check signatures, so check the URL's parts here.
    url = _storage(s3_app).presigned_url("items/x.jpg", expires_s=600)
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Expires"] == ["600"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert len(query["X-Amz-Signature"][0]) == 64
    assert query["X-Amz-Credential"][0].startswith("test/")
    other = S3Storage("mafqood-test", access_key_id="test", secret_access_key="other-secret")
    other_query = parse_qs(urlparse(other.presigned_url("items/x.jpg", 600)).query)
    assert other_query["X-Amz-Signature"] != query["X-Amz-Signature"]


async def test_item_photos_live_in_the_bucket_and_leave_with_the_item(
    s3_client: httpx.AsyncClient, s3_app: FastAPI
) -> None:
    storage = _storage(s3_app)
    owner = await register(s3_client)
    item = await create_item(s3_client, owner, "found")
    base = item["image_url"].removeprefix("https://cdn.mafqood.test/").removesuffix(".jpg")
    assert base.startswith(f"items/{item['id']}_")
    assert item["thumbnail_url"] == f"https://cdn.mafqood.test/{base}_thumb.jpg"
    keys = [f"{base}{suffix}.jpg" for suffix in ("", "_thumb", "_small")]
    for key in keys:
        assert await storage.exists(key)
    body = storage.client.get_object(Bucket=storage.bucket, Key=keys[0])["Body"].read()
    assert body.startswith(b"\xff\xd8\xff")

    response = await s3_client.delete(f"/api/v1/items/{item['id']}", headers=owner.headers)
    assert response.status_code == 200
    for key in keys:
        assert not await storage.exists(key)


async def test_health_reports_the_bucket(s3_client: httpx.AsyncClient, s3_app: FastAPI) -> None:
    assert (await s3_client.get("/health")).json()["services"]["s3"] == "healthy"
    storage = _storage(s3_app)
    real_bucket = storage.bucket
    storage.bucket = "no-such-bucket"
    try:
        response = await s3_client.get("/health")
    finally:
        storage.bucket = real_bucket
    assert response.status_code == 503 and response.json()["services"]["s3"] == "unhealthy"


async def test_failed_storage_writes_no_row(s3_client: httpx.AsyncClient, s3_app: FastAPI) -> None:
    storage = _storage(s3_app)
    owner = await register(s3_client)
    real_bucket = storage.bucket
    storage.bucket = "no-such-bucket"
    try:
        response = await s3_client.post(
            "/api/v1/lost",
            data={"title": "Keys", "location": "Metro", "date_time": "2026-01-03T10:00:00Z"},
            files={"image": ("a.jpg", images.jpeg(seed=300), "image/jpeg")},
            headers=owner.headers,
        )
    finally:
        storage.bucket = real_bucket
    assert response.status_code == 503 and response.json()["code"] == "storage_unavailable"
    history = (await s3_client.get("/api/v1/history", headers=owner.headers)).json()
    assert history["pagination"]["total"] == 0
