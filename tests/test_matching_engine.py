"""The matching engine end to end, through the API, on made-up photographs of made-up objects:
the same object shot twice (other desk, angle, distance, light) must find its owner."""

from __future__ import annotations

from typing import Any

import httpx
from PIL import Image

from tests import images
from tests.factories import Account, register, submit
from tests.vision.synth import make_background, make_object, photograph


def _jpeg(image: Image.Image) -> bytes:
    return images.encode(image, "JPEG", quality=90)


def shots(seed: int, views: int = 2) -> list[bytes]:
    """Photographs of one object: as its owner took it, then as finders did later."""
    item = make_object(seed)
    photos = [photograph(item, make_background(seed + 1000), angle=5, scale=1.1)]
    for view in range(1, views):
        photos.append(
            photograph(
                item,
                make_background(seed + 1000 * (view + 1)),
                angle=-20 * view,
                scale=0.8,
                tilt=0.2,
                centre=(0.45, 0.55),
                brightness=0.85,
            )
        )
    return [_jpeg(photo) for photo in photos]


LOST = {
    "title": "Blue card holder",
    "description": "Printed card holder with stickers",
    "category": "wallet",
    "color": "blue",
    "location": "Dubai Mall",
    "latitude": "25.1972",
    "longitude": "55.2744",
    "date_time": "2026-01-03T14:30:00Z",
}


async def _report(
    client: httpx.AsyncClient, account: Account, kind: str, photo: bytes, **changes: Any
) -> dict[str, Any]:
    response = await submit(client, account, kind, photo=photo, **{**LOST, **changes})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_same_object_finds_its_owner(client: httpx.AsyncClient) -> None:
    owner_photo, finder_photo = shots(1)
    loser, finder = await register(client), await register(client, is_venue=True)
    lost = await _report(client, loser, "lost", owner_photo)
    assert lost["matches"] == []
    item = lost["item"]
    assert item["ai_processed"] is True and isinstance(item["detected_objects"], list)

    # Another object, reported at the same place and time: not the one.
    decoy_photo = shots(2, views=1)[0]
    await _report(
        client,
        finder,
        "found",
        decoy_photo,
        title="Red purse",
        description="Small purse",
        color="red",
    )

    found = await _report(
        client,
        finder,
        "found",
        finder_photo,
        title="Card holder found",
        description="Found near the fountain",
        date_time="2026-01-03T16:00:00Z",
    )
    assert found["match_count"] >= 1
    best = found["matches"][0]
    assert best["matched_item"]["id"] == item["id"]
    assert best["confidence"] in {"high", "medium"}
    assert best["matching_features"]["visual_similarity"] >= 0.5
    assert best["matching_features"]["verification"]["verified"] is True
    assert "contact_phone" not in best["matched_item"]

    # The owner sees it from their side, and was told.
    mine = await client.get(f"/api/v1/items/{item['id']}/matches", headers=loser.headers)
    assert mine.json()["matches"][0]["matched_item"]["id"] == found["item"]["id"]
    notes = (await client.get("/api/v1/notifications", headers=loser.headers)).json()
    assert any(n["type"] == "match" and n["match_id"] == best["id"] for n in notes["notifications"])
    # A stranger learns nothing.
    stranger = await register(client)
    denied = await client.get(f"/api/v1/items/{item['id']}/matches", headers=stranger.headers)
    assert denied.status_code == 404


async def test_reports_that_cannot_be_the_same_object_are_not_matched(
    client: httpx.AsyncClient,
) -> None:
    owner_photo, finder_photo = shots(3)
    loser, finder = await register(client), await register(client)
    await _report(client, loser, "lost", owner_photo)
    too_far = await _report(
        client, finder, "found", finder_photo, latitude="24.4330", longitude="54.6511"
    )
    assert too_far["matches"] == []  # Abu Dhabi airport, ~110 km away

    _, second_shot = shots(3)
    too_late = await _report(
        client,
        finder,
        "found",
        images.encode(Image.open(__import__("io").BytesIO(second_shot)).rotate(3), "JPEG"),
        date_time="2026-06-01T10:00:00Z",
    )
    assert too_late["matches"] == []  # five months after the loss

    own = await _report(client, loser, "found", shots(3)[1][:-2] + b"\xff\xd9")
    assert own["matches"] == []  # nobody matches their own reports


async def test_an_answer_from_the_app_in_users_hands_gets_a_category(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    response = await client.post(
        "/api/v1/lost",
        data={
            "title": "Card holder",
            "location": "Dubai Mall",
            "location_type": "Dubai Mall",
            "date_time": "2026-01-03T14:30:00.000Z",
        },
        files={"image": ("photo.jpg", shots(4, views=1)[0], "image/jpeg")},
        headers=account.headers,
    )
    assert response.status_code == 201
    item = response.json()["item"]
    assert item["category"] == (item["ai_category"] or "other")


async def test_a_crowd_of_look_alikes_gives_the_best_ten(client: httpx.AsyncClient) -> None:
    """Twelve found wallets described alike at one place and hour: the owner is told of the
    best ten, not of every one that passes the bar."""
    for seed in range(12):
        finder = await register(client)
        found = await submit(client, finder, "found", photo=images.jpeg(seed=9100 + seed))
        assert found.status_code == 201, found.text
    owner = await register(client)
    lost = await submit(client, owner, "lost", photo=images.jpeg(seed=9200))
    assert lost.status_code == 201, lost.text
    body = lost.json()
    assert body["match_count"] == 10 == len(body["matches"])
    scores = [match["similarity"] for match in body["matches"]]
    assert scores == sorted(scores, reverse=True)
