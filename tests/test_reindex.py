"""A model change followed by a reindex: every item gets vectors from the current model,
the run can stop and resume, and matches can be looked for again."""

from __future__ import annotations

import httpx
import numpy as np
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import undefer

from mafqood.composition.container import Container
from mafqood.items.models import Item, ItemObjectVector
from mafqood.lifecycle.models import Match
from mafqood.matching.models_loader import search_window
from mafqood.matching.reindex import count_stale, reindex
from mafqood.vision.local_features import VERSION_OFFSET, deserialise
from mafqood.vision.pipeline import OBJECT_CROPS
from tests.factories import item_form, register, submit, wait_for
from tests.test_matching_engine import LOST, shots


async def _vectors(container: Container) -> dict[str, np.ndarray]:
    async with container.sessionmaker() as session:
        rows = await session.execute(select(Item.id, Item.image_embedding))
        return {str(item_id): np.asarray(vector) for item_id, vector in rows}


async def test_model_change_then_reindex(client: httpx.AsyncClient, container: Container) -> None:
    account = await register(client)
    for seed in (11, 12, 13):
        response = await submit(client, account, "lost", photo=shots(seed, views=1)[0], **LOST)
        assert response.status_code == 201
    original = await _vectors(container)

    # A new model was configured: what is stored was made by another one.
    async with container.sessionmaker() as session:
        await session.execute(
            update(Item).values(
                image_model="old-model",
                text_model="old-text-model",
                image_embedding=np.ones(1280, dtype=np.float32) / np.sqrt(1280),
            )
        )
        await session.commit()
        assert await count_stale(session, container.vision) == 3

    first = await reindex(container.sessionmaker, container.storage, container.vision, limit=2)
    assert first.done == 2 and first.remaining == 1  # stopped part-way
    second = await reindex(container.sessionmaker, container.storage, container.vision)
    assert second.done == 1 and second.remaining == 0

    async with container.sessionmaker() as session:
        models = set((await session.execute(select(Item.image_model, Item.text_model))).all())
        crops = await session.scalar(select(func.count()).select_from(ItemObjectVector))
    assert models == {(container.vision.image_model, container.vision.text_model)}
    assert crops == 3 * len(OBJECT_CROPS)  # each report's object vectors, written once
    again = await _vectors(container)
    for item_id, vector in original.items():
        # Re-read from the stored JPEG rather than the uploaded file: nearly the same vector.
        assert float(again[item_id] @ vector) > 0.97


async def test_reindex_can_look_for_matches_again(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner_photo, finder_photo = shots(21)
    loser, finder = await register(client), await register(client)
    await submit(client, loser, "lost", photo=owner_photo, **LOST)
    found = (await submit(client, finder, "found", photo=finder_photo, **LOST)).json()
    assert found["match_count"] == 1
    async with container.sessionmaker() as session:
        await session.execute(delete(Match))
        await session.execute(update(Item).values(image_model="old-model"))
        await session.commit()

    stats = await reindex(
        container.sessionmaker,
        container.storage,
        container.vision,
        rematch_window=search_window(container.settings),
    )
    assert stats.done == 2 and stats.matches_created == 1
    async with container.sessionmaker() as session:
        assert len((await session.execute(select(Match))).all()) == 1


def _as_format_1(data: bytes) -> bytes:
    """The same features as an item analysed before the chroma thumbnail existed."""
    features = deserialise(data)
    hist_end = VERSION_OFFSET + 10 + len(features.colour_hist)
    chroma_end = hist_end + 2 + features.chroma.size
    return data[:VERSION_OFFSET] + b"\x01" + data[VERSION_OFFSET + 1 : hist_end] + data[chroma_end:]


async def test_features_in_an_older_format_are_renewed(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    for seed in (31, 32):
        assert (
            await submit(client, account, "lost", photo=shots(seed, views=1)[0], **LOST)
        ).status_code == 201
    async with container.sessionmaker() as session:
        items = list(
            (await session.execute(select(Item).options(undefer(Item.local_features)))).scalars()
        )
        for item in items:
            assert item.local_features is not None
            item.local_features = _as_format_1(item.local_features)
        # One photo is gone from storage: its features are kept, in the current format.
        await container.storage.delete([f"{items[1].image_key}.jpg"])
        await session.commit()
        assert await count_stale(session, container.vision) == 2

    stats = await reindex(container.sessionmaker, container.storage, container.vision)
    assert (stats.done, stats.missing_photo, stats.remaining) == (1, 1, 0)
    async with container.sessionmaker() as session:
        renewed = {
            item.id: deserialise(item.local_features)
            for item in (
                await session.execute(select(Item).options(undefer(Item.local_features)))
            ).scalars()
            if item.local_features is not None
        }
    assert renewed[items[0].id].chroma.size > 0  # analysed again from its photo
    assert renewed[items[1].id].chroma.size == 0 and len(renewed[items[1].id]) > 0


async def test_a_report_without_a_photo_is_reindexed_by_its_text_alone(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    described = await client.post(
        "/api/v1/lost/described", data=item_form(), headers=account.headers
    )
    assert described.status_code == 201, described.text
    item_id = described.json()["item"]["id"]

    async def analysed() -> bool:
        async with container.sessionmaker() as session:
            status = await session.scalar(select(Item.analysis_status).where(Item.id == item_id))
            return status == "done"

    await wait_for(analysed)
    async with container.sessionmaker() as session:
        # Nothing stale: a report without a photo has no image model to be behind on.
        assert await count_stale(session, container.vision) == 0
        await session.execute(update(Item).values(text_model="old-text-model"))
        await session.commit()
        assert await count_stale(session, container.vision) == 1
    stats = await reindex(container.sessionmaker, container.storage, container.vision)
    assert stats.done == 1 and stats.missing_photo == 0 and stats.remaining == 0
    async with container.sessionmaker() as session:
        row = (
            await session.execute(
                select(Item.text_model, Item.image_model, Item.image_embedding).where(
                    Item.id == item_id
                )
            )
        ).one()
    assert row.text_model == container.vision.text_model
    assert row.image_model is None and row.image_embedding is None
