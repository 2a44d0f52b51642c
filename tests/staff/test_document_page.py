"""The item page shows staff what was read on a document's photo (its number masked but for
the last four) and lets them make an item a document and have it read again; another venue's
staff can do neither."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from mafqood.composition.container import Container
from mafqood.items.models import Item
from tests.document_photos import document_photo
from tests.factories import register, wait_for
from tests.staff.test_pages import _csrf, _sign_in
from tests.venues.helpers import create_venue, entry, intake


@pytest.fixture
async def web(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as http:
        yield http


async def _analysed(container: Container, item_id: str) -> Item:
    async def done() -> Item | None:
        async with container.sessionmaker() as session:
            item = await session.get(Item, uuid.UUID(item_id))
            return item if item and item.analysis_status == "done" else None

    found: Item = await wait_for(done, timeout=60)
    return found


async def test_staff_make_an_item_a_document_and_see_what_was_read(
    client: httpx.AsyncClient, web: httpx.AsyncClient, app: FastAPI, container: Container
) -> None:
    owner, outsider = await register(client), await register(client)
    venue = await create_venue(client, owner)
    other_venue = await create_venue(client, outsider)
    doc, photo = document_photo(41, "emirates_id", "easy")
    # Taken in as a wallet: read for brand words only, not as a document.
    response = await intake(client, owner, venue["id"], [entry("p0")], photos={"p0": photo})
    item_id = response.json()["results"][0]["item"]["id"]
    await _analysed(container, item_id)
    path = f"/staff/venues/{venue['id']}/items/{item_id}"

    csrf = await _sign_in(web, owner)
    page = await web.get(path)
    assert page.status_code == 200 and "Nothing has been read on this photo" in page.text
    done = await web.post(f"{path}/read-document", data={"csrf": _csrf(page)})
    assert done.status_code == 303, done.text
    item = await _analysed(container, item_id)
    assert item.category == "documents" and item.category_given

    page = await web.get(path)
    assert "Emirates ID" in page.text and f"•••• {doc.digits[-4:]}" in page.text
    assert "Machine-readable zone" in page.text and "Name (Arabic)" in page.text
    for secret in (doc.digits, doc.number, doc.digits[-8:], doc.name.title(), doc.name_ar):
        assert secret not in page.text
    web.cookies.clear()

    # Staff of another venue: not found, and nothing changes.
    await _sign_in(web, outsider)
    assert (await web.get(path)).status_code == 404
    mine = await web.get(f"/staff/venues/{other_venue['id']}")
    refused = await web.post(f"{path}/read-document", data={"csrf": _csrf(mine)})
    assert refused.status_code == 404
    async with container.sessionmaker() as session:
        unchanged = await session.get(Item, uuid.UUID(item_id))
        assert unchanged is not None and unchanged.analysis_status == "done"
    assert csrf
