"""An account that opted in is told privately when a found document bears its name (as it
entered it, in either script); nobody else is, and the notices are bounded per document and
per account."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from mafqood.composition.container import Container
from mafqood.documents.facts import Facts
from mafqood.documents.models import ItemDocument
from mafqood.documents.names import name_tokens
from mafqood.items.models import Item
from mafqood.matching.documents import tell_owners
from tests.document_photos import GIVEN_NAMES, document_photo, make_document, phone_photo, render
from tests.factories import Account, register, report_row, submit
from tests.test_document_matching import FOUND_ID, PLACE


async def _opt_in(client: httpx.AsyncClient, account: Account, name: str) -> None:
    response = await client.put(
        "/auth/users/me",
        json={"full_name": name, "documentNotices": True},
        headers=account.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["document_notices"] is True


async def _notices(client: httpx.AsyncClient, account: Account) -> list[dict[str, str]]:
    body = (await client.get("/api/v1/notifications", headers=account.headers)).json()
    return [n for n in body["notifications"] if n["type"] == "system"]


async def test_only_the_owner_who_opted_in_is_told_and_only_where(
    client: httpx.AsyncClient,
) -> None:
    doc, photo = document_photo(51, "emirates_id", "easy")
    owner, unwilling, other, finder = [await register(client) for _ in range(4)]
    await _opt_in(client, owner, doc.name_ar)  # entered in Arabic; the card has both
    await client.put("/auth/users/me", json={"full_name": doc.name}, headers=unwilling.headers)
    await _opt_in(client, other, "Omar Haddad" if "OMAR" not in doc.name else "Saeed Al Ketbi")
    await _opt_in(client, finder, doc.name)
    found = await submit(client, finder, "found", photo=photo, **FOUND_ID, **PLACE)
    assert found.status_code == 201, found.text

    [notice] = await _notices(client, owner)
    assert notice["item_id"] == found.json()["item"]["id"]
    assert PLACE["location"] in notice["message"]
    for secret in (doc.digits, doc.number, doc.name, doc.name.title(), doc.name_ar):
        assert secret not in str(notice)
    for account in (unwilling, other, finder):
        assert await _notices(client, account) == []


async def test_a_name_many_accounts_share_tells_nobody(client: httpx.AsyncClient) -> None:
    doc, photo = document_photo(52, "passport", "easy")
    namesakes = [await register(client) for _ in range(4)]
    for account in namesakes:
        await _opt_in(client, account, doc.name)
    finder = await register(client)
    found = await submit(client, finder, "found", photo=photo, **FOUND_ID, **PLACE)
    assert found.status_code == 201, found.text
    for account in namesakes:
        assert await _notices(client, account) == []


async def test_an_account_is_told_of_at_most_three_documents(client: httpx.AsyncClient) -> None:
    given, family = GIVEN_NAMES[3], ("AL FALASI", "الفلاسي")
    owner = await register(client)
    await _opt_in(client, owner, f"{given[0]} {family[0]}")
    for seed in range(53, 57):
        card = make_document(seed, "emirates_id", given=given, family=family)
        photo = phone_photo(render(card), "clean", seed)
        # Look-alike photos: one finder each (a finder's second would be a duplicate).
        finder = await register(client)
        found = await submit(client, finder, "found", photo=photo, **FOUND_ID, **PLACE)
        assert found.status_code == 201, found.text
    assert len(await _notices(client, owner)) == 3


async def test_the_setting_is_off_by_default_and_takes_only_a_boolean(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    me = await client.get("/auth/users/me", headers=account.headers)
    assert me.json()["document_notices"] is False
    for bad in ("maybe", None, 3):
        response = await client.put(
            "/auth/users/me", json={"document_notices": bad}, headers=account.headers
        )
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"][-1] == "document_notices"
    me = await client.get("/auth/users/me", headers=account.headers)
    assert me.json()["document_notices"] is False


async def test_documents_handed_in_at_once_still_tell_an_account_three_times_at_most(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner, finder = await register(client), await register(client)
    await _opt_in(client, owner, "Khalid Al Ketbi")
    read = Facts(kind="emirates_id", issuer="ARE", name_tokens=tuple(name_tokens("خالد الكتبي")))
    ids = []
    async with container.sessionmaker() as session:
        for _ in range(6):
            item = report_row(finder.id, "found", category="id", title="Emirates ID")
            session.add(item)
            await session.flush()
            session.add(ItemDocument.of(item.id, "photo", read))
            ids.append(item.id)
        await session.commit()

    async def analysed(item_id: uuid.UUID) -> list[uuid.UUID]:
        async with container.sessionmaker() as session:
            item = await session.get(Item, item_id)
            assert item is not None
            told = await tell_owners(session, item)
            await session.commit()
            return told

    told = await asyncio.gather(*(analysed(item_id) for item_id in ids))
    assert sum(map(len, told)) == 3
    assert len(await _notices(client, owner)) == 3
    # Run again (a job delivered twice): nobody is told twice.
    assert await analysed(ids[0]) == []
