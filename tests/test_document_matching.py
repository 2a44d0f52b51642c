"""Documents matched by what they say, through the real API and vision worker: a found
identity card matched to the lost report that states its number ("high") or the name on it
(probable, never "high"), the right card first among a thousand look-alikes, looks alone never
"high"; and no identifier, name or OCR text in any answer, event, log line or metric."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import numpy as np
import pytest
from redis.asyncio import Redis
from sqlalchemy import select, text
from structlog.testing import capture_logs

from mafqood.composition.container import Container
from mafqood.core.config import Settings
from mafqood.documents import facts
from mafqood.documents.models import ItemDocument
from mafqood.documents.names import name_tokens
from mafqood.items.models import IMAGE_EMBEDDING_DIM
from mafqood.realtime.bus import USER_CHANNEL_PREFIX
from tests import images
from tests.conftest import TEST_SECRET, Servers
from tests.document_photos import Document, document_photo, look_alikes
from tests.factories import Account, register, report_row, submit

PLACE = {
    "location": "Dubai Mall",
    "latitude": "25.1972",
    "longitude": "55.2744",
    "date_time": "2026-01-03T14:30:00Z",
    "color": None,
    "brand": None,
    "location_detail": None,
}
LOST_ID = {"title": "Lost my Emirates ID", "description": "Green card", "category": "id", **PLACE}
FOUND_ID = {"title": "Identity card", "description": "Found near the fountain", "category": "id"}


def _secrets(container: Container) -> list[str]:
    return container.settings.document_secrets()


def _secrets_of(doc: Document) -> list[str]:
    """Everything of the document that must never leave the service."""
    spaced = " ".join(doc.digits[i : i + 4] for i in range(0, len(doc.digits), 4))
    return [doc.digits, doc.number, spaced, doc.name, doc.name.title(), doc.name_ar,
            doc.family_name_ar, *doc.mrz]  # fmt: skip


def _assert_absent(doc: Document, *texts: str) -> None:
    for shown in texts:
        for secret in _secrets_of(doc):
            assert secret not in shown, f"{secret!r} leaked"


@pytest.fixture
async def events(servers: Servers) -> AsyncIterator[list[str]]:
    """Every WebSocket event published to any user while the test runs."""
    redis = Redis.from_url(servers.redis_url)
    pubsub = redis.pubsub()
    await pubsub.psubscribe(f"{USER_CHANNEL_PREFIX}*")
    seen: list[str] = []

    async def listen() -> None:
        async for message in pubsub.listen():
            if message["type"] == "pmessage":
                seen.append(message["data"].decode())

    task = asyncio.create_task(listen())
    yield seen
    task.cancel()
    await pubsub.aclose()  # type: ignore[attr-defined]
    await redis.aclose()


async def _everything_shown(client: httpx.AsyncClient, account: Account, item_id: str) -> str:
    """Every answer about the report and its matches that its owner can get."""
    paths = [
        f"/api/v1/items/{item_id}",
        f"/api/v1/items/{item_id}/matches",
        "/api/v1/history",
        "/api/v1/notifications",
        "/api/v1/items?q=identity",
        "/api/v1/users/me/export",
    ]
    answers = [(await client.get(path, headers=account.headers)).text for path in paths]
    return "\n".join(answers)


async def test_a_found_id_matches_the_lost_report_that_states_its_number(
    client: httpx.AsyncClient, container: Container, events: list[str], vision_worker: Any
) -> None:
    doc, photo = document_photo(31, "emirates_id", "easy")
    loser, finder = await register(client), await register(client)
    with capture_logs() as logs:
        lost = await submit(client, loser, "lost", document_number=doc.number,
                            document_name=doc.name_ar, **LOST_ID)  # fmt: skip
        assert lost.status_code == 201, lost.text
        found = await submit(client, finder, "found", photo=photo, **FOUND_ID, **PLACE)
        assert found.status_code == 201, found.text
    body = found.json()
    lost_id = lost.json()["item"]["id"]
    assert [m["matched_item"]["id"] for m in body["matches"]] == [lost_id]
    match = body["matches"][0]
    assert match["confidence"] == "high"
    assert match["matching_features"]["document_evidence"] == "identifier"

    # Kept: hashes and tokens only.
    async with container.sessionmaker() as session:
        rows = (await session.execute(select(ItemDocument))).scalars().all()
    by_source = {row.source: row for row in rows}
    assert set(by_source) == {"report", "photo"}
    for row in rows:
        assert row.digests and all(doc.digits not in digest for digest in row.digests)
        assert set(name_tokens(doc.name)) <= set(row.name_tokens)
    assert set(by_source["report"].digests) & set(by_source["photo"].digests)

    shown = await _everything_shown(client, loser, lost_id)
    shown += await _everything_shown(client, finder, body["item"]["id"])
    shown += (await client.get("/metrics")).text
    _assert_absent(doc, lost.text, found.text, shown, *events, repr(logs))
    _assert_absent(doc, vision_worker.log_path.read_text())


async def test_a_name_alone_makes_a_probable_match_never_a_certain_one(
    client: httpx.AsyncClient,
) -> None:
    doc, photo = document_photo(32, "passport", "easy")
    loser, finder = await register(client), await register(client)
    # The owner writes the name in Arabic, with another spelling of nothing: the card has both.
    lost = await submit(client, loser, "lost", document_name=doc.name_ar,
                        **{**LOST_ID, "title": "Lost passport"})  # fmt: skip
    assert lost.status_code == 201, lost.text
    found = await submit(client, finder, "found", photo=photo, **FOUND_ID, **PLACE)
    matches = found.json()["matches"]
    assert [m["matched_item"]["id"] for m in matches] == [lost.json()["item"]["id"]]
    assert matches[0]["confidence"] == "medium"
    assert matches[0]["matching_features"]["document_evidence"] == "name"


async def test_a_different_number_is_not_the_same_document(client: httpx.AsyncClient) -> None:
    doc, photo = document_photo(33, "emirates_id", "easy")
    other, _ = document_photo(34, "emirates_id", "clean")
    loser, finder = await register(client), await register(client)
    lost = await submit(client, loser, "lost", document_number=other.number,
                        document_name=doc.name, **LOST_ID)  # fmt: skip
    assert lost.status_code == 201, lost.text
    found = await submit(client, finder, "found", photo=photo, **FOUND_ID, **PLACE)
    assert found.json()["matches"] == []


async def test_looks_alone_never_make_a_document_match_high(client: httpx.AsyncClient) -> None:
    # The same photo on both sides: for a wallet this is a certain match; for a document
    # that says nothing readable, it is at most probable.
    photo = images.jpeg(seed=35)
    loser, finder = await register(client), await register(client)
    wallet = {**LOST_ID, "category": "wallet", "title": "Blue wallet"}
    await submit(client, loser, "lost", photo=photo, **wallet)
    same = await submit(client, finder, "found", photo=photo, **{**wallet, "title": "Wallet"})
    assert [m["confidence"] for m in same.json()["matches"]] == ["high"]

    photo = images.jpeg(seed=36)
    loser, finder = await register(client), await register(client)
    await submit(client, loser, "lost", photo=photo, **{**LOST_ID, "category": "documents"})
    found = await submit(client, finder, "found", photo=photo, category="documents",
                         title="Papers", **PLACE)  # fmt: skip
    confidences = [m["confidence"] for m in found.json()["matches"]]
    assert confidences and "high" not in confidences


async def test_the_right_card_is_first_among_a_thousand_look_alikes(
    client: httpx.AsyncClient, container: Container
) -> None:
    """A venue holds 1,000 found Emirates IDs that look the same (one photo vector for all,
    names from the same short lists); the owner states the number of one of them."""
    venue_desk, loser = await register(client), await register(client)
    cards = look_alikes(1000, "emirates_id", start=5000)
    rng = np.random.default_rng(0)
    vector = rng.normal(size=IMAGE_EMBEDDING_DIM).astype(np.float32)
    vector /= np.linalg.norm(vector)
    ids: list[uuid.UUID] = []
    async with container.sessionmaker() as session:
        for card in cards:
            item = report_row(venue_desk.id, "found", title="Emirates ID", category="id",
                              location="Dubai Mall", image_embedding=vector,
                              analysis_status="done")  # fmt: skip
            session.add(item)
            await session.flush()
            tokens = name_tokens(card.name)
            read = facts.read("emirates_id", "ARE", [card.digits], None, tokens, (),
                              _secrets(container))  # fmt: skip
            session.add(ItemDocument(item_id=item.id, source="photo", kind=read.kind,
                                     issuer=read.issuer, digests=list(read.digests),
                                     name_tokens=list(read.name_tokens)))  # fmt: skip
            ids.append(item.id)
        await session.commit()
    wanted = 637
    lost = await submit(client, loser, "lost", document_number=cards[wanted].number,
                        document_name=cards[wanted].name, **LOST_ID)  # fmt: skip
    matches = lost.json()["matches"]
    assert matches[0]["matched_item"]["id"] == str(ids[wanted])
    assert matches[0]["confidence"] == "high"
    assert all(m["confidence"] != "high" for m in matches[1:])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("document_number", "12"),
        ("document_number", "784-1985-7928081-3; DROP"),
        ("document_number", "1" * 25),
        ("document_name", "12345"),
        ("document_name", "x" * 121),
    ],
)
async def test_a_bad_document_field_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, container: Container, field: str, value: str
) -> None:
    account = await register(client)
    response = await submit(client, account, "lost", **{field: value}, **LOST_ID)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["detail"][0]["loc"] == ["body", field]
    # Never echoed back (the request id is random hex, where short digit runs occur by chance).
    echoed = {key: shown for key, shown in body.items() if key != "request_id"}
    assert value not in json.dumps(echoed, ensure_ascii=False)
    async with container.sessionmaker() as session:
        assert (await session.execute(select(ItemDocument))).first() is None
    history = await client.get("/api/v1/history", headers=account.headers)
    assert history.json()["lost_items"] == []


async def test_the_stated_number_and_name_are_never_shown_back(
    client: httpx.AsyncClient, container: Container
) -> None:
    doc, _ = document_photo(37, "emirates_id", "clean")
    loser, stranger = await register(client), await register(client)
    lost = await submit(client, loser, "lost", document_number=doc.number,
                        document_name=doc.name, **LOST_ID)  # fmt: skip
    item_id = lost.json()["item"]["id"]
    _assert_absent(doc, lost.text, await _everything_shown(client, loser, item_id))
    seen = await client.get(f"/api/v1/items/{item_id}", headers=stranger.headers)
    _assert_absent(doc, seen.text)
    # Found reports ignore the fields: a finder does not state what the document says.
    found = await submit(client, stranger, "found", document_number=doc.number, **FOUND_ID,
                         **PLACE)  # fmt: skip
    async with container.sessionmaker() as session:
        sources = (
            (
                await session.execute(
                    select(ItemDocument.source).where(
                        ItemDocument.item_id == uuid.UUID(found.json()["item"]["id"])
                    )
                )
            )
            .scalars()
            .all()
        )
    assert "report" not in sources


def test_identifier_keys_rotate_with_the_secret_key() -> None:
    doc = document_photo(38, "emirates_id", "clean")[0]
    before = Settings(_env_file=None, environment="test", secret_key=TEST_SECRET)  # type: ignore[call-arg]
    after = Settings(_env_file=None, environment="test", secret_key="n" * 40,  # type: ignore[call-arg]
                     secret_key_previous=TEST_SECRET)  # fmt: skip
    old = facts.stated(doc.number, None, before.document_secrets())
    new = facts.stated(doc.number, None, after.document_secrets())
    assert old and new and set(old.digests) < set(new.digests)
    alone = facts.stated(doc.number, None, ["n" * 40])
    assert alone and not set(old.digests) & set(alone.digests)


async def test_a_found_bank_card_keeps_only_its_last_four_digits(
    client: httpx.AsyncClient, container: Container
) -> None:
    doc, photo = document_photo(39, "bank_card", "easy")
    loser, finder = await register(client), await register(client)
    lost = await submit(client, loser, "lost", document_number=doc.digits[-4:],
                        document_name=doc.name, **{**LOST_ID, "title": "Lost bank card",
                        "category": "documents"})  # fmt: skip
    assert lost.status_code == 201, lost.text
    found = await submit(client, finder, "found", photo=photo, title="Bank card",
                         category="documents", **PLACE)  # fmt: skip
    [match] = found.json()["matches"]
    assert match["confidence"] == "medium"
    assert match["matching_features"]["document_evidence"] == "name"
    async with container.sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT row_to_json(d)::text FROM item_documents d UNION ALL "
                "SELECT row_to_json(i)::text FROM items i UNION ALL "
                "SELECT row_to_json(n)::text FROM notifications n UNION ALL "
                "SELECT row_to_json(o)::text FROM outbox_jobs o"
            )
        )
        stored = "\n".join(rows.scalars())
    assert doc.digits[-4:] in stored  # the last four, as matching needs them
    _assert_absent(doc, stored)
    assert doc.digits[:8] not in stored
