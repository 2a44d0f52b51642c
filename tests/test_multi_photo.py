"""Several photos per report: the submission (and the single-photo form the app sends),
adding and removing photos, matching across every view, and cleaning up their files."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select

from mafqood.composition.container import Container
from mafqood.items.models import ItemObjectVector
from tests import images
from tests.factories import item_form, register, wait_for


async def _report(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    kind: str,
    photos: list[bytes],
    **fields: Any,
) -> httpx.Response:
    return await client.post(
        f"/api/v1/{kind}",
        data=item_form(**fields),
        files=[("image", (f"p{i}.jpg", photo, "image/jpeg")) for i, photo in enumerate(photos)],
        headers=headers,
    )


async def test_several_photos_listed_and_served(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    photos = [images.jpeg(seed=seed) for seed in (3101, 3102, 3103)]
    response = await _report(client, owner.headers, "lost", photos)
    assert response.status_code == 201, response.text
    item = response.json()["item"]
    assert [photo["position"] for photo in item["photos"]] == [0, 1, 2]
    assert item["image_url"] == item["photos"][0]["url"]
    assert item["analysis_status"] == "done"
    shown = (await client.get(f"/api/v1/items/{item['id']}")).json()
    assert [p["url"] for p in shown["photos"]] == [p["url"] for p in item["photos"]]
    for photo in item["photos"]:
        for url in (photo["url"], photo["thumbnail_url"], photo["small_thumbnail_url"]):
            assert (await client.get(url)).status_code == 200, url

    single = await _report(client, owner.headers, "found", [images.jpeg(seed=3104)])
    assert single.status_code == 201
    assert len(single.json()["item"]["photos"]) == 1

    six = await _report(
        client, owner.headers, "lost", [images.jpeg(seed=s) for s in range(3110, 3116)]
    )
    assert six.status_code == 422
    assert six.json()["detail"][0]["type"] == "too_many_photos"
    arabic = await _report(
        client,
        {**owner.headers, "Accept-Language": "ar"},
        "lost",
        [images.jpeg(seed=s) for s in range(3120, 3126)],
    )
    assert "5" in arabic.json()["message"]
    bad_second = await _report(client, owner.headers, "lost", [images.jpeg(seed=3130), b"nope"])
    assert bad_second.status_code == 415


async def test_a_match_through_the_second_view(client: httpx.AsyncClient) -> None:
    """The owner's second photo shows what the finder photographed: matched, and the
    evidence says which views agreed."""
    finder, owner = await register(client), await register(client)
    detail = images.jpeg(seed=3201)
    found = await _report(client, finder.headers, "found", [detail], title="Keys", category="keys")
    assert found.status_code == 201, found.text
    lost = await _report(
        client,
        owner.headers,
        "lost",
        [images.jpeg(seed=3202), detail],
        title="Car keys with a red tag",
        category="keys",
    )
    assert lost.status_code == 201, lost.text
    matches = lost.json()["matches"]
    mine = [m for m in matches if m["matched_item"]["id"] == found.json()["item"]["id"]]
    assert mine, matches
    proof = mine[0]["matching_features"]["verification"]
    assert (proof["query_view"], proof["matched_view"]) == (1, 0)
    assert proof["verified"] is True
    assert proof["view_pairs"] == 2 and proof["view_pairs_verified"] >= 1


async def test_add_and_remove_photos(client: httpx.AsyncClient, container: Container) -> None:
    owner, stranger = await register(client), await register(client)
    created = await _report(client, owner.headers, "lost", [images.jpeg(seed=3301)])
    item = created.json()["item"]
    path = f"/api/v1/items/{item['id']}/photos"

    added = await client.post(
        path,
        files={"image": ("b.jpg", images.jpeg(seed=3302), "image/jpeg")},
        headers=owner.headers,
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert len(body["photos"]) == 2 and body["analysis_status"] == "pending"

    async def analysed() -> bool:
        shown = await client.get(f"/api/v1/items/{item['id']}", headers=owner.headers)
        return bool(shown.json()["analysis_status"] == "done")

    await wait_for(analysed, timeout=60)
    # Every view has its object vectors.
    assert await _object_vectors(container, item["id"]) == [(0, 2), (1, 2)]
    for seed in (3303, 3304, 3305):
        more = await client.post(
            path,
            files={"image": ("c.jpg", images.jpeg(seed=seed), "image/jpeg")},
            headers=owner.headers,
        )
        assert more.status_code == 201, more.text
    full = await client.post(
        path,
        files={"image": ("d.jpg", images.jpeg(seed=3306), "image/jpeg")},
        headers=owner.headers,
    )
    assert full.status_code == 409 and full.json()["code"] == "too_many_photos"
    assert (
        await client.post(
            path,
            files={"image": ("e.jpg", images.jpeg(seed=3307), "image/jpeg")},
            headers=stranger.headers,
        )
    ).status_code == 404

    photos = (await client.get(f"/api/v1/items/{item['id']}")).json()["photos"]
    assert len(photos) == 5
    # Removing the main photo makes the next one the main photo; its files go.
    main, second = photos[0], photos[1]
    assert (
        await client.delete(f"{path}/{main['id']}", headers=stranger.headers)
    ).status_code == 404
    removed = await client.delete(f"{path}/{main['id']}", headers=owner.headers)
    assert removed.status_code == 200, removed.text
    after = removed.json()
    assert after["image_url"] == second["url"]
    assert [p["position"] for p in after["photos"]] == [0, 1, 2, 3]
    assert (await client.get(main["url"])).status_code == 404
    unknown = await client.delete(f"{path}/{item['id']}", headers=owner.headers)
    assert unknown.status_code == 404
    for photo in after["photos"][1:]:
        response = await client.delete(f"{path}/{photo['id']}", headers=owner.headers)
        assert response.status_code == 200, response.text
    last = await client.delete(f"{path}/{after['photos'][0]['id']}", headers=owner.headers)
    assert last.status_code == 409 and last.json()["code"] == "last_photo"
    # Analysed again with the one photo left: no object vector of a removed view remains.
    await wait_for(analysed, timeout=60)
    assert await _object_vectors(container, item["id"]) == [(0, 2)]


async def _object_vectors(container: Container, item_id: str) -> list[tuple[int, int]]:
    """(photo position, how many crop vectors) of a report."""
    async with container.sessionmaker() as session:
        rows = await session.execute(
            select(ItemObjectVector.position, func.count())
            .where(ItemObjectVector.item_id == uuid.UUID(item_id))
            .group_by(ItemObjectVector.position)
            .order_by(ItemObjectVector.position)
        )
        return [(int(position), int(count)) for position, count in rows]


async def test_deleting_a_report_removes_every_view(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    created = await _report(
        client, owner.headers, "found", [images.jpeg(seed=3401), images.jpeg(seed=3402)]
    )
    item = created.json()["item"]
    deleted = await client.delete(f"/api/v1/items/{item['id']}", headers=owner.headers)
    assert deleted.status_code == 200
    for photo in item["photos"]:
        assert (await client.get(photo["url"])).status_code == 404
