"""Photos of documents and cards: masked by the vision worker (text, identifiers, machine-
readable zone, faces) and shown masked to everyone but the item's holders and a claimant
whose claim was approved; the photo as taken is never reachable from its item's id.

The documents are made up (tests/document_photos.py); tesseract reads the masked photos
back to check that the printed numbers are gone.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import threading
import uuid
from typing import Any

import httpx
import pytesseract
import pytest
from PIL import Image
from redis.asyncio import Redis
from sqlalchemy import select, text, update

from mafqood.composition.container import Container
from mafqood.items.models import Item, ItemPhoto
from mafqood.items.redaction_queue import enqueue_redaction
from mafqood.lifecycle.models import Claim
from mafqood.matching import redaction
from mafqood.matching.ports import VisionServices
from mafqood.matching.redaction import mask, redact_report
from mafqood.photos.placeholder import WITHHELD_KEY
from mafqood.photos.service import photo_keys
from mafqood.vision.redaction import FILL, redact
from tests import document_photos
from tests.conftest import Servers
from tests.factories import (
    Account,
    JobsHeldBack,
    insert_report,
    pin_match,
    register,
    submit,
    wait_for,
)
from tests.migration_database import database_at, upgrade
from tests.venues.claim_helpers import decide, file_claim, notifications
from tests.venues.helpers import add_member, create_venue, entry, intake

# Four digits of a number in a row, as OCR would give them back.
RUN = 4


def digit_runs(number: str) -> set[str]:
    digits = re.sub(r"\D", "", number)
    return {digits[start : start + RUN] for start in range(len(digits) - RUN + 1)}


def _read_digits(image: Image.Image) -> str:
    text = pytesseract.image_to_string(image, config="--psm 11")
    return re.sub(r"\D", "", text)


def open_rgb(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


@pytest.mark.parametrize("kind", document_photos.KINDS)
def test_masking_covers_numbers_text_and_the_machine_readable_zone(kind: str) -> None:
    document, photo = document_photos.document_photo(11, kind, "easy")
    image = open_rgb(photo)
    # The photo as taken is readable: the test would prove nothing otherwise.
    assert any(run in _read_digits(image) for run in digit_runs(document.number))
    masked = redact(image)
    read_back = pytesseract.image_to_string(masked.image, config="--psm 11")
    digits = re.sub(r"\D", "", read_back)
    assert not any(run in digits for run in digit_runs(document.number)), read_back
    assert "<<" not in read_back
    for name in (document.given_name, document.family_name.split()[-1]):
        assert name not in read_back.upper()
    assert masked.words > 0 and masked.identifier_lines > 0


def test_the_portrait_is_masked() -> None:
    document = document_photos.make_document(4, "emirates_id")
    card = document_photos.render(document)
    masked = redact(card)
    assert masked.faces >= 1
    # The drawn face's centre (render puts the portrait at 40..260 x 130..400).
    assert masked.image.getpixel((150, 230)) == FILL
    assert card.getpixel((150, 230)) != FILL


async def _document_at_desk(
    client: httpx.AsyncClient, kind: str = "bank_card", category: str = "id"
) -> tuple[Account, dict[str, Any], dict[str, Any], document_photos.Document]:
    owner = await register(client)
    venue = await create_venue(client, owner)
    document, photo = document_photos.document_photo(21, kind, "easy")
    response = await intake(
        client,
        owner,
        venue["id"],
        [entry("p0", title="Bank card", description="A blue bank card", category=category)],
        photos={"p0": photo},
    )
    assert response.status_code == 201, response.text
    [result] = response.json()["results"]
    return owner, venue, result["item"], document


async def _masked_row(container: Container, item_id: str) -> ItemPhoto:
    async def masked() -> ItemPhoto | None:
        async with container.sessionmaker() as session:
            row = await session.scalar(
                select(ItemPhoto).where(ItemPhoto.item_id == uuid.UUID(item_id))
            )
            return row if row is not None and row.redacted_key else None

    row: ItemPhoto = await wait_for(masked, timeout=60)
    return row


def _photo_urls(item: dict[str, Any]) -> set[str]:
    urls = {item["image_url"], item["thumbnail_url"], item.get("small_thumbnail_url")}
    for photo in item.get("photos") or []:
        urls |= {photo["url"], photo["thumbnail_url"], photo["small_thumbnail_url"]}
    return {url for url in urls if url}


def _path(url: str) -> str:
    return "/media/" + url.split("/media/", 1)[1]


def _keys_in(urls: set[str]) -> set[str]:
    """The base keys the URLs point at."""
    return {re.sub(r"(_thumb|_small)?\.jpg$", "", url.split("/media/", 1)[1]) for url in urls}


async def test_a_document_is_masked_for_everyone_but_its_holders(
    client: httpx.AsyncClient, container: Container, servers: Servers
) -> None:
    redis = Redis.from_url(servers.redis_url)
    events = redis.pubsub()
    await events.psubscribe("*")
    owner, venue, item, document = await _document_at_desk(client)
    item_id = item["id"]
    staff = await add_member(client, container, venue["id"])
    row = await _masked_row(container, item_id)
    original, masked = row.image_key, row.redacted_key
    assert masked and original != masked
    # The photo as taken moved: what the desk was shown at intake answers no more, and the
    # item's id leads to no photo.
    for url in _photo_urls(item):
        assert (await client.get(_path(url))).status_code == 404
    assert (await client.get(f"/media/items/{item_id}.jpg")).status_code == 404

    # Its holders: the venue's members, at the desk and on the item's page.
    for member in (owner, staff):
        seen = await client.get(f"/api/v1/items/{item_id}", headers=member.headers)
        assert _keys_in(_photo_urls(seen.json())) == {original}
        desk = await client.get(
            f"/api/v1/venues/{venue['id']}/items/{item_id}", headers=member.headers
        )
        assert _keys_in(_photo_urls(desk.json())) == {original}

    # Everyone else: a stranger, another venue's staff, anonymous readers and browse.
    stranger = await register(client)
    other_owner = await register(client)
    await create_venue(client, other_owner, name="Mall of the Emirates")
    wrong: list[httpx.Response] = []
    for headers in ({}, stranger.headers, other_owner.headers):
        seen = await client.get(f"/api/v1/items/{item_id}", headers=headers)
        assert seen.status_code == 200
        assert _keys_in(_photo_urls(seen.json())) == {masked}
        wrong.append(seen)
    other_desk = await client.get(
        f"/api/v1/venues/{venue['id']}/items/{item_id}", headers=other_owner.headers
    )
    assert other_desk.status_code == 404
    browse = await client.get("/api/v1/items", params={"category": "id"})
    [listed] = [entry for entry in browse.json()["items"] if entry["id"] == item_id]
    assert _keys_in(_photo_urls(listed)) == {masked}
    wrong.append(browse)

    # The masked photo keeps none of the card's number.
    served = await client.get(_path(listed["image_url"]))
    assert served.status_code == 200
    assert not any(
        run in _read_digits(open_rgb(served.content)) for run in digit_runs(document.number)
    )

    # The owner of a lost report matched with it sees it masked, until their claim is approved.
    loser = await register(client)
    lost = (await submit(client, loser, "lost", category="id", title="Lost bank card")).json()
    await pin_match(container.sessionmaker, lost["item"]["id"], item_id)
    matches = await client.get(f"/api/v1/items/{lost['item']['id']}/matches", headers=loser.headers)
    [match] = [m for m in matches.json()["matches"] if m["matched_item"]["id"] == item_id]
    assert _keys_in(_photo_urls(match["matched_item"])) == {masked}
    history = await client.get("/api/v1/history", headers=loser.headers)
    wrong += [matches, history]
    claim = await file_claim(client, loser, item_id)
    assert _keys_in({claim["item"]["thumbnail_url"]}) == {masked}
    wrong.append(await client.get(f"/api/v1/items/{item_id}", headers=loser.headers))
    wrong.append(await client.get("/api/v1/users/me/export", headers=loser.headers))
    for body in wrong:
        assert original not in body.text

    review = await client.get(f"/api/v1/claims/{claim['id']}", headers=staff.headers)
    assert _keys_in({review.json()["item"]["thumbnail_url"]}) == {original}
    assert (await decide(client, staff, claim["id"], "approve")).status_code == 200
    seen = await client.get(f"/api/v1/items/{item_id}", headers=loser.headers)
    assert _keys_in(_photo_urls(seen.json())) == {original}
    mine = await client.get(f"/api/v1/claims/{claim['id']}", headers=loser.headers)
    assert _keys_in({mine.json()["item"]["thumbnail_url"]}) == {original}
    # Others still see it masked.
    assert _keys_in(_photo_urls((await client.get(f"/api/v1/items/{item_id}")).json())) == {masked}

    # No notification of the lost report's owner, nor any event published, names the photo
    # as taken.
    for notice in await notifications(client, loser):
        assert original not in json.dumps(notice)
    published = []
    while (message := await events.get_message(timeout=0.2)) is not None:
        published.append(message)
    await events.aclose()
    await redis.aclose()
    assert published and not any(original in str(message["data"]) for message in published)


async def test_until_masked_others_see_the_placeholder(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    stranger = await register(client)
    key = f"items/{uuid.uuid4()}_{uuid.uuid4().hex}"
    # A document's report not yet masked, and a report sent without a category whose
    # analysis has not said yet what it shows.
    document = await insert_report(
        container.sessionmaker, owner.id, "found", category="id", image_key=key
    )
    undecided = await insert_report(
        container.sessionmaker,
        owner.id,
        "found",
        category="other",
        category_given=False,
        image_key=key + "b",
    )
    wallet = await insert_report(
        container.sessionmaker,
        owner.id,
        "found",
        category="wallet",
        image_key=key + "c",
        analysis_status="done",
    )
    for item_id, own_key in ((document, key), (undecided, key + "b")):
        for headers in ({}, stranger.headers):
            seen = (await client.get(f"/api/v1/items/{item_id}", headers=headers)).json()
            assert _keys_in(_photo_urls(seen)) == {WITHHELD_KEY}
        mine = (await client.get(f"/api/v1/items/{item_id}", headers=owner.headers)).json()
        assert _keys_in(_photo_urls(mine)) == {own_key}
    seen = (await client.get(f"/api/v1/items/{wallet}", headers=stranger.headers)).json()
    assert _keys_in(_photo_urls(seen)) == {key + "c"}
    placeholder = await client.get(f"/media/{WITHHELD_KEY}_thumb.jpg")
    assert placeholder.status_code == 200 and open_rgb(placeholder.content).size == (400, 400)


async def _stored_document_report(container: Container, owner: Account) -> uuid.UUID:
    """A found report of a wallet, analysed, with a photo of a card stored under its key."""
    item_id = uuid.uuid4()
    key = f"items/{item_id}_{uuid.uuid4().hex}"
    _, photo = document_photos.document_photo(31, "bank_card", "clean")
    for name in photo_keys(key):
        await container.storage.put(name, photo, "image/jpeg")
    async with container.sessionmaker() as session:
        session.add(
            Item(
                id=item_id,
                user_id=uuid.UUID(owner.id),
                type="found",
                title="Wallet",
                category="wallet",
                image_url=container.storage.url(f"{key}.jpg"),
                image_key=key,
                location="Dubai Mall",
                date_time=document_photos.dt.datetime(2026, 1, 3, tzinfo=document_photos.dt.UTC),
                contact_method="in_app",
                analysis_status="done",
            )
        )
        await session.flush()
        session.add(ItemPhoto(item_id=item_id, position=0, image_key=key))
        await session.commit()
    return item_id


async def _jobs(container: Container, item_id: uuid.UUID, count: int) -> list[uuid.UUID]:
    async with container.sessionmaker(effects=JobsHeldBack.of(container)) as session:
        jobs = [enqueue_redaction(session, item_id) for _ in range(count)]
        await session.commit()
        return [job.id for job in jobs]


async def test_a_photo_found_to_be_a_document_moves_and_two_workers_mask_it_once(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    item_id = await _stored_document_report(container, owner)
    seen = (await client.get(f"/api/v1/items/{item_id}")).json()
    shown_before = _path(seen["image_url"])
    assert (await client.get(shown_before)).status_code == 200
    # The category is corrected to a document's; two jobs run at once (a job sent twice).
    async with container.sessionmaker() as session:
        await session.execute(update(Item).where(Item.id == item_id).values(category="id"))
        await session.commit()
    first, second = await _jobs(container, item_id, 2)
    services: Any = container  # what the job uses: storage, sessions, settings
    worker: VisionServices = services
    outcomes = await asyncio.gather(redact_report(worker, first), redact_report(worker, second))
    assert sorted(outcomes) == ["done", "skipped"]
    async with container.sessionmaker() as session:
        [row] = (await session.scalars(select(ItemPhoto).where(ItemPhoto.item_id == item_id))).all()
        item = await session.get(Item, item_id)
        assert item is not None and item.image_key == row.image_key
    assert row.redacted_key and row.image_key not in shown_before
    # What anyone saw before is gone; others now get the masked copy, the finder the photo.
    assert (await client.get(shown_before)).status_code == 404
    seen = (await client.get(f"/api/v1/items/{item_id}")).json()
    assert _keys_in(_photo_urls(seen)) == {row.redacted_key}
    mine = (await client.get(f"/api/v1/items/{item_id}", headers=owner.headers)).json()
    assert _keys_in(_photo_urls(mine)) == {row.image_key}
    # Only the files the rows name are left in storage.
    stored = {
        path.relative_to(container.storage.root).as_posix()  # type: ignore[attr-defined]
        for path in (container.storage.root / "items").glob(f"{item_id}_*")  # type: ignore[attr-defined]
    }
    assert stored == set(photo_keys(row.image_key) + photo_keys(row.redacted_key))


async def test_a_masking_job_holds_no_lock_while_it_masks(
    client: httpx.AsyncClient, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Masking takes seconds: a table lock asked for meanwhile (a migration, a truncation) is
    granted at once, and the job then finishes. A job that kept its transaction open while a
    second connection of its own waited behind that lock would wait for ever."""
    owner = await register(client)
    item_id = await _stored_document_report(container, owner)
    async with container.sessionmaker() as session:
        await session.execute(update(Item).where(Item.id == item_id).values(category="id"))
        await session.commit()
    [job] = await _jobs(container, item_id, 1)
    masking, go_on = threading.Event(), threading.Event()

    def slow_mask(photo: bytes) -> tuple[bytes, bytes, bytes]:
        masking.set()
        go_on.wait(30)
        return mask(photo)

    monkeypatch.setattr(redaction, "mask", slow_mask)
    services: Any = container
    running = asyncio.create_task(redact_report(services, job))
    assert await asyncio.to_thread(masking.wait, 30)
    try:
        async with container.engine.begin() as connection:
            await connection.execute(
                text("LOCK TABLE outbox_jobs, items, item_photos IN ACCESS EXCLUSIVE MODE NOWAIT")
            )
    finally:
        go_on.set()
    assert await asyncio.wait_for(running, 60) == "done"


async def test_a_claim_still_pending_or_rejected_gives_no_original(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner, _, item, _ = await _document_at_desk(client)
    row = await _masked_row(container, item["id"])
    claimant = await register(client)
    claim = await file_claim(client, claimant, item["id"])
    assert (await decide(client, owner, claim["id"], "reject", reason="Not yours")).status_code
    async with container.sessionmaker() as session:
        status = await session.scalar(
            select(Claim.status).where(Claim.id == uuid.UUID(claim["id"]))
        )
    assert status == "rejected"
    seen = await client.get(f"/api/v1/items/{item['id']}", headers=claimant.headers)
    assert _keys_in(_photo_urls(seen.json())) == {row.redacted_key}
    mine = await client.get(f"/api/v1/claims/{claim['id']}", headers=claimant.headers)
    assert _keys_in({mine.json()["item"]["thumbnail_url"]}) == {row.redacted_key}


async def test_existing_document_reports_are_queued_for_masking(
    servers: Servers, container: Container
) -> None:
    """A database at the revision before masking, with a desk's report of an identity card
    (its photo without a row, as intake stored it) and a phone's report, then upgraded."""
    async with database_at(servers, container, "0016_message_threads") as (engine, url):
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO users (id, email, password_hash, full_name) VALUES"
                    " ('00000000-0000-0000-0000-000000000001', 'd@desk.mafqood.invalid', '!', 'D')"
                )
            )
            for category, key in (("id", "items/card"), ("phone", "items/phone")):
                await connection.execute(
                    text(
                        "INSERT INTO items (user_id, type, title, category, image_url, image_key,"
                        " location, date_time, contact_method, analysis_status) VALUES"
                        " ('00000000-0000-0000-0000-000000000001', 'found', 'T', :category,"
                        " 'x', :key, 'Here', now(), 'in_app', 'done')"
                    ),
                    {"category": category, "key": key},
                )
        await upgrade(url)
        async with engine.begin() as connection:
            rows = (
                await connection.execute(
                    text("SELECT image_key, shows_document, redacted_key FROM item_photos")
                )
            ).all()
            jobs = (
                await connection.execute(
                    text(
                        "SELECT i.image_key FROM outbox_jobs j"
                        " JOIN items i ON i.id::text = j.payload->>'item_id'"
                        " WHERE j.task = 'mafqood.redact_photos'"
                    )
                )
            ).all()
    assert sorted(rows) == [("items/card", False, None), ("items/phone", False, None)]
    assert [job.image_key for job in jobs] == ["items/card"]
