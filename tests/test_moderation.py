"""Item reports (one per user and item; enough of them hide the item from browsing and
matching until reviewed) and the screening of uploaded photos."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from mafqood.audit.models import AuditLog
from mafqood.composition.container import Container
from mafqood.core.config import Settings
from mafqood.photos.screening import AllowAll, PhotoScreening, ScreenUnavailable, make_screen
from tests import images
from tests.factories import Account, create_item, make_admin, pin_match, register


async def report(
    client: httpx.AsyncClient, account: Account, item_id: str, reason: str = "fraud"
) -> httpx.Response:
    return await client.post(
        f"/api/v1/items/{item_id}/report",
        json={"reason": reason, "details": "Asks for a transfer first"},
        headers=account.headers,
    )


async def browse_ids(client: httpx.AsyncClient) -> set[str]:
    return {item["id"] for item in (await client.get("/api/v1/items")).json()["items"]}


async def test_one_report_per_user_and_item(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner, reporter = await register(client), await register(client)
    item = await create_item(client, owner, "found")
    first = await report(client, reporter, item["id"], "spam")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["item_id"] == item["id"] and body["reason"] == "spam" and body["message"]
    again = await report(client, reporter, item["id"])
    assert again.status_code == 409 and again.json()["code"] == "already_reported"
    own = await report(client, owner, item["id"])
    assert own.status_code == 403 and own.json()["code"] == "cannot_report_own_item"
    missing = await report(client, reporter, str(uuid.uuid4()))
    assert missing.status_code == 404
    bad = await client.post(
        f"/api/v1/items/{item['id']}/report", json={"reason": "boring"}, headers=reporter.headers
    )
    assert bad.status_code == 422
    anonymous = await client.post(f"/api/v1/items/{item['id']}/report", json={"reason": "spam"})
    assert anonymous.status_code == 401
    async with container.sessionmaker() as session:
        rows = await session.execute(select(AuditLog).where(AuditLog.action == "item_reported"))
        [row] = rows.scalars().all()
        assert str(row.user_id) == reporter.id and str(row.entity_id) == item["id"]


async def test_three_distinct_reports_hide_an_item_from_browsing_and_matching(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner, loser = await register(client), await register(client)
    found = await create_item(client, owner, "found")
    lost = await create_item(client, loser, "lost")
    await pin_match(container.sessionmaker, lost["id"], found["id"])
    matches_url = f"/api/v1/items/{lost['id']}/matches"
    assert (await client.get(matches_url, headers=loser.headers)).json()["total"] == 1

    reporters = [await register(client) for _ in range(3)]
    for reporter in reporters[:2]:
        assert (await report(client, reporter, found["id"])).status_code == 201
    assert found["id"] in await browse_ids(client)  # two reports are not enough
    assert (await report(client, reporters[2], found["id"])).status_code == 201

    assert found["id"] not in await browse_ids(client)
    assert lost["id"] in await browse_ids(client)
    assert (await client.get(f"/api/v1/items/{found['id']}")).status_code == 404
    stranger = await register(client)
    assert (await report(client, stranger, found["id"])).status_code == 404
    assert (await client.get(matches_url, headers=loser.headers)).json()["total"] == 0
    # The owner still sees their own report.
    mine = await client.get(f"/api/v1/items/{found['id']}", headers=owner.headers)
    assert mine.status_code == 200
    async with container.sessionmaker() as session:
        hidden = (
            await session.execute(select(AuditLog).where(AuditLog.action == "item_hidden"))
        ).scalar_one()
        assert str(hidden.entity_id) == found["id"]


async def test_an_admin_reviews_hidden_items(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner, admin = await register(client), await register(client)
    await make_admin(container, admin)
    restored = await create_item(client, owner, "found", title="Wallet")
    removed = await create_item(client, owner, "found", title="Scam")
    reporters = [await register(client) for _ in range(3)]
    for item in (restored, removed):
        for reporter in reporters:
            assert (await report(client, reporter, item["id"], "offensive")).status_code == 201

    assert (
        await client.get("/api/v1/admin/hidden-items", headers=owner.headers)
    ).status_code == 403
    listed = (await client.get("/api/v1/admin/hidden-items", headers=admin.headers)).json()
    assert {entry["id"] for entry in listed["items"]} == {restored["id"], removed["id"]}
    assert listed["items"][0]["reported_count"] == 3
    assert listed["items"][0]["reasons"] == ["offensive"]

    review = "/api/v1/admin/items/{}/review"
    ok = await client.post(
        review.format(restored["id"]), json={"action": "restore"}, headers=admin.headers
    )
    assert ok.status_code == 200
    gone = await client.post(
        review.format(removed["id"]), json={"action": "remove"}, headers=admin.headers
    )
    assert gone.status_code == 200
    assert await browse_ids(client) == {restored["id"]}
    async with container.sessionmaker() as session:
        removal = (
            await session.execute(select(AuditLog).where(AuditLog.action == "item_deleted"))
        ).scalar_one()
        assert str(removal.user_id) == admin.id and str(removal.entity_id) == removed["id"]
    assert (
        await client.get(f"/api/v1/items/{removed['id']}", headers=owner.headers)
    ).status_code == 404
    # Reviewed reports do not count again: one new report does not hide it.
    newcomer = await register(client)
    assert (await report(client, newcomer, restored["id"])).status_code == 201
    assert restored["id"] in await browse_ids(client)


class RedIsExplicit:
    """A stand-in screen: mostly red pictures are 'explicit'."""

    name = "test"

    def unsafe_score(self, image: Image.Image) -> float:
        red, green, blue = image.convert("RGB").resize((1, 1)).getpixel((0, 0))  # type: ignore[misc]
        return 0.99 if red > 150 and green < 80 and blue < 80 else 0.01


@pytest.fixture
def strict_screen(container: Container) -> Iterator[None]:
    previous = container.photo_screening
    container.photo_screening = PhotoScreening(RedIsExplicit(), previous.threshold)
    yield
    container.photo_screening = previous


def red_jpeg() -> bytes:
    return images.encode(Image.new("RGB", (320, 240), (220, 20, 30)), "JPEG")


async def test_uploads_failing_the_photo_screen_are_refused(
    client: httpx.AsyncClient, container: Container, strict_screen: None
) -> None:
    account = await register(client)
    media = container.settings.data_dir / "media"
    before = {path for path in media.rglob("*") if path.is_file()} if media.exists() else set()
    refused = await client.post(
        "/api/v1/upload/image",
        files={"image": ("x.jpg", red_jpeg(), "image/jpeg")},
        headers=account.headers,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"][0]["type"] == "inappropriate_image"
    item = await client.post(
        "/api/v1/found",
        data={
            "title": "Phone",
            "location": "Mall",
            "date_time": "2026-01-03T14:30:00Z",
            "category": "phone",
            "contact_method": "in_app",
        },
        files={"image": ("x.jpg", red_jpeg(), "image/jpeg")},
        headers=account.headers,
    )
    assert item.status_code == 422
    assert item.json()["detail"][0]["type"] == "inappropriate_image", item.text
    after = {path for path in media.rglob("*") if path.is_file()} if media.exists() else set()
    assert after == before  # nothing was stored
    fine = await client.post(
        "/api/v1/upload/image",
        files={"image": ("ok.jpg", images.jpeg(seed=7), "image/jpeg")},
        headers=account.headers,
    )
    assert fine.status_code == 201


def test_nudenet_is_off_unless_installed_and_enabled() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.nsfw_backend == "none"
    assert isinstance(make_screen(settings), AllowAll)
    try:
        import nudenet  # noqa: F401
    except ImportError:
        enabled = Settings(_env_file=None, nsfw_backend="nudenet")  # type: ignore[call-arg]
        with pytest.raises(ScreenUnavailable, match="optional extra"):
            make_screen(enabled)
