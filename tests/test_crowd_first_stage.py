"""The first stage in a crowded venue: the owner's item lies on another desk than the crowd's
look-alike photos, which share the owner's desk. Whole-photo vectors bring the desk's
photos first; the object-centred vectors bring the item."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from mafqood.composition.container import Container
from mafqood.items.models import Item, ItemObjectVector
from mafqood.matching import engine
from mafqood.matching.analysis import ReportAnalysis, save
from mafqood.matching.models_loader import search_window
from mafqood.users.models import User
from tests.factories import report_row
from tests.vision.synth import make_background, make_object, photograph

WHEN = datetime(2026, 1, 3, 14, 30, tzinfo=UTC)
CROWD = 8
# Fewer neighbours per vector than the crowd has look-alikes: the right report enters the
# candidates only if some vector puts it first.
FEW = 2


def _on_counter(seed: int, desk: Image.Image) -> Image.Image:
    """An object on a desk that fills half the photo."""
    return photograph(make_object(seed), desk, scale=1.0, angle=4)


async def _store(
    container: Container, owner: uuid.UUID, kind: str, photo: Image.Image
) -> tuple[Item, ReportAnalysis]:
    vision = container.vision
    [image] = vision.analyse_many([photo])
    analysis = ReportAnalysis(image, vision.embed_text("Card holder"), (image,))
    async with container.sessionmaker() as session:
        item = report_row(owner, kind, title="Card holder", category="other", date_time=WHEN)
        session.add(item)
        await session.flush()
        await session.refresh(item, ["photos"])
        await save(session, item, analysis, vision)
        item.analysis_status = "done"
        await session.commit()
        return item, analysis


async def _user(container: Container) -> uuid.UUID:
    async with container.sessionmaker() as session:
        user = User(email=f"{uuid.uuid4().hex[:10]}@example.com", password_hash="!", full_name="A")
        session.add(user)
        await session.commit()
        return user.id


async def test_the_item_enters_the_candidates_through_its_object_vectors(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "IMAGE_K", FEW)
    monkeypatch.setattr(engine, "TEXT_K", 0)
    owner, desk_staff = await _user(container), await _user(container)
    counter = make_background(7)

    # The venue's shelf: look-alike photos of other things on the owner's own counter...
    for seed in range(CROWD):
        await _store(container, desk_staff, "found", _on_counter(100 + seed, counter))
    # ...and the owner's item, photographed close up on another desk.
    item = make_object(1)
    right, _ = await _store(
        container, desk_staff, "found", photograph(item, make_background(8), scale=1.6, angle=-8)
    )
    lost, analysis = await _store(container, owner, "lost", _on_counter(1, counter))

    window = search_window(container.settings)
    async with container.sessionmaker() as session:
        query = await session.get(Item, lost.id)
        assert query is not None
        with_objects = await engine.candidates(session, query, analysis, window)
        whole = ReportAnalysis(replace(analysis.image, object_vectors=()), analysis.text_vector)
        whole_only = await engine.candidates(session, query, whole, window)
        stored = await session.scalar(
            select(ItemObjectVector.item_id).where(ItemObjectVector.item_id == right.id).limit(1)
        )
    assert stored == right.id  # every photo's crops are stored
    assert right.id not in whole_only  # the desk's look-alikes come first
    assert right.id in with_objects


def test_object_vectors_are_unit_vectors_of_the_same_model(container: Container) -> None:
    photo = photograph(make_object(3), make_background(3))
    [analysis] = container.vision.analyse_many([photo])
    assert len(analysis.object_vectors) == 2
    for vector in analysis.object_vectors:
        assert vector.shape == analysis.image_vector.shape
        assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-4)
    # The central crop sees the object, not the whole photo: a different vector.
    assert float(analysis.object_vectors[0] @ analysis.image_vector) < 0.99
