"""Verified venues: a new venue is pending until a platform administrator verifies it; until
then its items are neither matched, shown to the public nor claimable. Existing venues were
migrated as verified, and the operator's `create-venue` makes a verified one."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text

from mafqood.audit.models import AuditLog
from mafqood.composition.container import Container
from tests import images
from tests.conftest import Servers
from tests.factories import create_item, make_admin, register, wait_for
from tests.migration_database import database_at, upgrade
from tests.staff.test_pages import _csrf, _sign_in
from tests.venues.claim_helpers import assert_error, claim, file_claim, notifications
from tests.venues.helpers import add_member, create_venue, entry, intake

NOTE = "Called the desk on +97143627500; address checked on the map"


@pytest.fixture
async def web(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client on https (the dashboard's cookies are Secure)."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as http:
        yield http


async def _analysed(client: httpx.AsyncClient, staff: Any, venue_id: str, item_id: str) -> None:
    async def done() -> bool:
        found = await client.get(
            f"/api/v1/venues/{venue_id}/items/{item_id}", headers=staff.headers
        )
        return bool(found.json()["analysis_status"] == "done")

    await wait_for(done, timeout=60)


async def _matched_ids(client: httpx.AsyncClient, account: Any, lost_id: str) -> list[str]:
    found = await client.get(f"/api/v1/items/{lost_id}/matches", headers=account.headers)
    assert found.status_code == 200, found.text
    return [m["matched_item"]["id"] for m in found.json()["matches"]]


async def test_pending_venue_items_are_hidden_unmatched_and_unclaimable_until_verified(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner, verified=False)
    assert venue["verification"] == "pending" and venue["verified_at"] is None
    staff = await add_member(client, container, venue["id"])
    photo = images.jpeg(seed=8101)
    when = datetime.now(UTC).isoformat()
    lost_fields = dict(
        title="Black leather wallet", category="wallet", location="Dubai Mall", date_time=when
    )
    # One loser reports before the desk takes the wallet in, one after its analysis: the
    # wallet's own matching and the later report's search must both leave it out.
    early = await register(client)
    early_lost = await create_item(client, early, "lost", photo=photo, **lost_fields)
    taken = await intake(
        client, staff, venue["id"], [entry("p0", control_details="A photo of a cat")], {"p0": photo}
    )
    assert taken.status_code == 201, taken.text  # a pending venue prepares and takes items in
    wallet = taken.json()["results"][0]["item"]
    assert wallet["venue_verified"] is False
    await _analysed(client, staff, venue["id"], wallet["id"])
    late = await register(client)
    late_lost = await create_item(client, late, "lost", photo=photo, **lost_fields)
    assert await _matched_ids(client, early, early_lost["id"]) == []
    assert await _matched_ids(client, late, late_lost["id"]) == []

    # Not shown to the public, nor to a signed-in stranger; its members see it.
    for headers in ({}, late.headers):
        shown = await client.get(f"/api/v1/items/{wallet['id']}", headers=headers)
        assert_error(shown, 404, "not_found")
    browse = await client.get("/api/v1/items", params={"type": "found"})
    assert wallet["id"] not in [item["id"] for item in browse.json()["items"]]
    mine = await client.get(f"/api/v1/items/{wallet['id']}", headers=staff.headers)
    assert mine.status_code == 200 and mine.json()["venue_verified"] is False
    # Not claimable: not found, like the item itself.
    assert_error(await claim(client, late, wallet["id"]), 404, "not_found")

    admin = await register(client)
    await make_admin(container, admin)
    waiting = await client.get("/api/v1/admin/venues/pending", headers=admin.headers)
    assert waiting.status_code == 200, waiting.text
    [listed] = waiting.json()["venues"]
    assert listed["id"] == venue["id"] and listed["item_count"] == 1
    assert [o["email"] for o in listed["owners"]] == [owner.email]

    verified = await client.post(
        f"/api/v1/admin/venues/{venue['id']}/verify", json={"note": NOTE}, headers=admin.headers
    )
    assert verified.status_code == 200, verified.text
    body = verified.json()
    assert body["verification"] == "verified" and body["verified_by"] == admin.id
    assert body["verification_note"] == NOTE and body["items_requeued"] == 1
    async with container.sessionmaker() as session:
        [row] = (
            await session.scalars(select(AuditLog).where(AuditLog.action == "venue_verified"))
        ).all()
    assert str(row.user_id) == admin.id and str(row.entity_id) == venue["id"]
    assert row.entity_type == "venue" and row.request_data == {"note": NOTE, "items_requeued": 1}

    # Its analysis runs again: both earlier lost reports now match the wallet.
    async def both_matched() -> bool:
        return wallet["id"] in await _matched_ids(client, early, early_lost["id"]) and wallet[
            "id"
        ] in await _matched_ids(client, late, late_lost["id"])

    await wait_for(both_matched, timeout=60)
    matches = await client.get(f"/api/v1/items/{late_lost['id']}/matches", headers=late.headers)
    [match] = [m for m in matches.json()["matches"] if m["matched_item"]["id"] == wallet["id"]]
    assert match["matched_item"]["venue_verified"] is True
    public = await client.get(f"/api/v1/items/{wallet['id']}")
    assert public.status_code == 200 and public.json()["venue_verified"] is True
    browse = await client.get("/api/v1/items", params={"type": "found"})
    listed_items = {item["id"]: item for item in browse.json()["items"]}
    assert listed_items[wallet["id"]]["venue_verified"] is True
    assert listed_items.get(late_lost["id"]) is None  # (a lost one: not a found item)
    lost_view = await client.get(f"/api/v1/items/{late_lost['id']}")
    assert lost_view.json()["venue_verified"] is None  # a person's report: no venue
    filed = await file_claim(client, late, wallet["id"], lost_item_id=late_lost["id"])
    assert filed["item"]["venue_verified"] is True
    about_wallet = [
        n
        for account in (owner, staff)
        for n in await notifications(client, account)
        if n["item_id"] == wallet["id"]
    ]
    assert about_wallet and all(n["venue_verified"] is True for n in about_wallet)
    venues = await client.get("/api/v1/venues", headers=owner.headers)
    [mine_now] = venues.json()["venues"]
    assert mine_now["verification"] == "verified" and mine_now["verified_at"]
    assert (await client.get("/api/v1/admin/venues/pending", headers=admin.headers)).json()[
        "venues"
    ] == []


async def test_only_administrators_verify(client: httpx.AsyncClient, container: Container) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner, verified=False)
    verify = f"/api/v1/admin/venues/{venue['id']}/verify"
    for headers in (owner.headers, (await register(client)).headers):
        assert_error(
            await client.get("/api/v1/admin/venues/pending", headers=headers), 403, "forbidden"
        )
        assert_error(
            await client.post(verify, json={"note": NOTE}, headers=headers), 403, "forbidden"
        )
    anonymous = await client.post(verify, json={"note": NOTE})
    assert anonymous.status_code == 401
    async with container.sessionmaker() as session:
        state = await session.scalar(
            text("SELECT verification FROM venues WHERE id = :id"), {"id": uuid.UUID(venue["id"])}
        )
        refused = await session.scalar(
            select(AuditLog.id).where(AuditLog.action == "venue_verified")
        )
    assert state == "pending" and refused is None

    admin = await register(client)
    await make_admin(container, admin)
    short = await client.post(verify, json={"note": " "}, headers=admin.headers)
    assert short.status_code == 422
    unknown = f"/api/v1/admin/venues/{uuid.uuid4()}/verify"
    assert_error(
        await client.post(unknown, json={"note": NOTE}, headers=admin.headers), 404, "not_found"
    )
    assert (
        await client.post(verify, json={"note": NOTE}, headers=admin.headers)
    ).status_code == 200
    again = await client.post(
        verify, json={"note": NOTE}, headers={**admin.headers, "Accept-Language": "ar"}
    )
    body = assert_error(again, 409, "venue_already_verified")
    assert body["message"] == "تم التحقق من هذا المكان بالفعل."


async def test_dashboard_lists_pending_venues_and_verifies_with_a_note(
    client: httpx.AsyncClient, web: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    pending = await create_venue(client, owner, verified=False, name="Airport desk")
    await _sign_in(web, owner)
    desk = await web.get(f"/staff/venues/{pending['id']}")
    assert "Awaiting verification" in desk.text
    assert (await web.get("/staff/admin/venues")).status_code == 403
    forged = await web.post(f"/staff/admin/venues/{pending['id']}/verify", data={"note": NOTE})
    assert forged.status_code in (303, 403)

    admin = await register(client)
    await make_admin(container, admin)
    await web.post("/staff/logout", data={"csrf": _csrf(desk)})
    await _sign_in(web, admin)
    listing = await web.get("/staff/admin/venues")
    assert listing.status_code == 200 and "Airport desk" in listing.text
    assert owner.email in listing.text
    arabic = await web.get("/staff/language/ar", params={"next": "/staff/admin/venues"})
    assert "أماكن بانتظار التحقق" in (await web.get(arabic.headers["location"])).text
    without_csrf = await web.post(
        f"/staff/admin/venues/{pending['id']}/verify", data={"note": NOTE}
    )
    assert without_csrf.status_code in (303, 403)
    done = await web.post(
        f"/staff/admin/venues/{pending['id']}/verify", data={"note": NOTE, "csrf": _csrf(listing)}
    )
    assert done.status_code == 303 and "done=1" in done.headers["location"]
    async with container.sessionmaker() as session:
        state = await session.execute(
            text("SELECT verification, verification_note FROM venues WHERE id = :id"),
            {"id": uuid.UUID(pending["id"])},
        )
    assert tuple(state.one()) == ("verified", NOTE)
    await web.get("/staff/language/en", params={"next": "/staff/"})
    await web.post("/staff/logout", data={"csrf": _csrf(listing)})
    await _sign_in(web, owner)
    assert "Verified" in (await web.get(f"/staff/venues/{pending['id']}")).text


async def test_existing_venues_migrate_as_verified(servers: Servers, container: Container) -> None:
    """A fresh database at the revision before verification, with a venue, then upgraded."""
    async with database_at(servers, container, "0012_claims_held_for_review") as (engine, url):
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO users (id, email, password_hash, full_name) VALUES"
                    " ('00000000-0000-0000-0000-000000000001', 'd@desk.mafqood.invalid', '!', 'D')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO venues (name, location, location_type, latitude, longitude,"
                    " desk_user_id) VALUES ('Old mall', 'Here', 'mall', 25.2, 55.3,"
                    " '00000000-0000-0000-0000-000000000001')"
                )
            )
        await upgrade(url)
        async with engine.begin() as connection:
            old = (
                await connection.execute(
                    text("SELECT verification, verified_at, verification_note FROM venues")
                )
            ).one()
            default = await connection.scalar(
                text(
                    "SELECT column_default FROM information_schema.columns"
                    " WHERE table_name = 'venues' AND column_name = 'verification'"
                )
            )
    assert old.verification == "verified" and old.verified_at is not None
    assert "migration 0013" in old.verification_note
    assert "pending" in str(default)  # new venues wait for an administrator
