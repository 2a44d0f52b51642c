"""Claims with hidden control details: filing, review, decisions, limits, isolation, and the
confirm flow of matches on items that have control details."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, update

from mafqood.audit.models import AuditLog
from mafqood.composition.container import Container
from mafqood.core.i18n import translate
from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim, Match
from mafqood.notifications.models import Notification
from mafqood.venues.models import Venue
from tests.factories import Account, create_item, insert_report, pin_match, register
from tests.venues.claim_helpers import (
    SECRET,
    assert_error,
    claim,
    decide,
    field_error,
    file_claim,
    notifications,
)
from tests.venues.helpers import add_member, create_venue, intake_one

FINDER_PHONE = "+971509999999"
LOSER_PHONE = "+971501112222"


async def test_control_details_never_appear_in_public_views(
    client: httpx.AsyncClient, container: Container
) -> None:
    finder, loser = await register(client), await register(client)
    found = await create_item(client, finder, "found", control_details=SECRET)
    lost = await create_item(client, loser, "lost", control_details="ignored on lost reports")
    assert "control_details" not in found
    await pin_match(container.sessionmaker, lost["id"], found["id"])
    views = [
        await client.get(f"/api/v1/items/{found['id']}"),
        await client.get(f"/api/v1/items/{found['id']}", headers=loser.headers),
        await client.get(f"/api/v1/items/{found['id']}", headers=finder.headers),
        await client.get("/api/v1/items"),
        await client.get("/api/v1/items", params={"type": "found", "q": "iphone"}),
        await client.get(f"/api/v1/items/{lost['id']}/matches", headers=loser.headers),
        await client.get(f"/api/v1/items/{found['id']}/matches", headers=finder.headers),
        await client.get("/api/v1/history", headers=loser.headers),
        await client.get("/api/v1/history", headers=finder.headers),
    ]
    assert any(found["id"] in view.text for view in views[3:5])  # browsing does list it
    for view in views:
        assert view.status_code == 200, view.text
        assert SECRET not in view.text and "control_details" not in view.text
    async with container.sessionmaker() as session:
        assert await session.scalar(select(Item.control_details).where(Item.type == "lost")) is None
    # Only the finder side, beside the claims, sees them.
    listing = await client.get(f"/api/v1/items/{found['id']}/claims", headers=finder.headers)
    assert listing.json()["control_details"] == SECRET


async def test_a_claim_is_reviewed_and_approved(
    client: httpx.AsyncClient, container: Container
) -> None:
    finder = await register(client, full_name="Finder")
    claimant = await register(client, full_name="Sara Claimant")
    item_id = str(
        await insert_report(
            container.sessionmaker,
            finder.id,
            "found",
            control_details=SECRET,
            contact_method="phone",
            contact_phone=FINDER_PHONE,
        )
    )
    created = await file_claim(client, claimant, item_id)
    assert created["status"] == "pending" and created["item"]["id"] == item_id
    assert "control_details" not in created and "claimant" not in created
    [told] = [n for n in await notifications(client, finder) if n["type"] == "claim"]
    assert told["item_id"] == item_id and "Black wallet" in told["message"]

    url = f"/api/v1/claims/{created['id']}"
    mine = (await client.get(url, headers=claimant.headers)).json()
    assert mine["answers"] == created["answers"] and "control_details" not in mine
    review = (await client.get(url, headers=finder.headers)).json()
    assert review["control_details"] == SECRET and review["answers"] == created["answers"]
    assert review["claimant"] == {"id": claimant.id, "full_name": "Sara Claimant", "contact": None}
    listing = await client.get(f"/api/v1/items/{item_id}/claims", headers=finder.headers)
    assert [c["id"] for c in listing.json()["claims"]] == [created["id"]]
    assert listing.json()["pagination"]["total"] == 1
    approved_only = await client.get(
        f"/api/v1/items/{item_id}/claims", params={"status": "approved"}, headers=finder.headers
    )
    assert approved_only.json()["claims"] == []
    own = await client.get("/api/v1/claims", headers=claimant.headers)
    assert [c["id"] for c in own.json()["claims"]] == [created["id"]]
    assert (await client.get("/api/v1/claims", headers=finder.headers)).json()["claims"] == []
    item_url = f"/api/v1/items/{item_id}"
    assert (await client.get(item_url, headers=claimant.headers)).json()["contact_phone"] is None

    approved = await decide(client, finder, created["id"], "approve")
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "approved" and body["decided_at"] and body["decided_by"] == finder.id
    assert body["claimant"]["contact"] == claimant.email
    seen = (await client.get(item_url, headers=claimant.headers)).json()
    assert seen["contact_phone"] == FINDER_PHONE and seen["status"] == "matched"
    [approval] = [n for n in await notifications(client, claimant) if n["type"] == "claim"]
    assert FINDER_PHONE in approval["message"]
    again = await decide(client, finder, created["id"], "reject", reason="Changed my mind")
    assert_error(again, 409, "claim_decided")
    async with container.sessionmaker() as session:
        actions = set((await session.scalars(select(AuditLog.action))).all())
    assert {"claim_created", "claim_approved"} <= actions


async def test_claim_rules(client: httpx.AsyncClient, container: Container) -> None:
    finder, claimant, third = await register(client), await register(client), await register(client)
    sessions = container.sessionmaker
    item_id = str(await insert_report(sessions, finder.id, "found", control_details=SECRET))
    assert_error(await claim(client, finder, item_id), 409, "claim_own_item")
    await file_claim(client, claimant, item_id)
    assert_error(await claim(client, claimant, item_id), 409, "claim_pending")

    someone_elses = await insert_report(sessions, finder.id, "lost")
    own_found = await insert_report(sessions, third.id, "found")
    for lost_item_id in (someone_elses, own_found, uuid.uuid4()):
        response = await claim(client, third, item_id, lost_item_id=str(lost_item_id))
        assert field_error(response) == (["body", "lost_item_id"], "not_your_report")

    assert_error(await claim(client, third, str(uuid.uuid4())), 404, "not_found")
    lost_report = await insert_report(sessions, finder.id, "lost")
    assert_error(await claim(client, third, str(lost_report)), 404, "not_found")
    hidden = await insert_report(sessions, finder.id, "found", is_hidden=True)
    assert_error(await claim(client, third, str(hidden)), 404, "not_found")
    closed = await client.put(
        f"/api/v1/items/{item_id}/status", json={"status": "closed"}, headers=finder.headers
    )
    assert closed.status_code == 200, closed.text
    assert_error(await claim(client, third, item_id), 409, "item_not_claimable")
    assert (await claim(client, third, item_id)).json()["message"] == translate(
        "item_not_claimable", "en"
    )
    async with sessions() as session:
        assert await session.scalar(select(Claim.id).where(Claim.claimant_id == third.id)) is None


async def test_claims_refuse_bad_input(client: httpx.AsyncClient, container: Container) -> None:
    finder, claimant = await register(client), await register(client)
    item_id = str(await insert_report(container.sessionmaker, finder.id, "found"))
    url = f"/api/v1/items/{item_id}/claims"
    cases = [
        ({}, "missing"),
        ({"answers": ""}, "string_too_short"),
        ({"answers": "   "}, "string_too_short"),
        ({"answers": "x" * 2001}, "string_too_long"),
        ({"answers": "my\x00wallet"}, "nul_character"),
        ({"answers": 42}, "string_type"),
        ({"answers": ["a list"]}, "string_type"),
        ({"answers": "ok", "lost_item_id": "not-a-uuid"}, "uuid_parsing"),
    ]
    for body, error_type in cases:
        response = await client.post(url, json=body, headers=claimant.headers)
        assert field_error(response)[1] == error_type, (body, response.text)
    not_json = await client.post(
        url, content=b"answers=mine", headers={**claimant.headers, "content-type": "text/plain"}
    )
    assert not_json.status_code == 422
    assert (await client.post(url, json={"answers": "mine"})).status_code == 401
    arabic = await client.post(url, json={}, headers={**claimant.headers, "Accept-Language": "ar"})
    assert any("\u0600" <= char <= "\u06ff" for char in arabic.json()["message"])
    own = await client.post(
        url, json={"answers": "mine"}, headers={**finder.headers, "Accept-Language": "ar"}
    )
    assert assert_error(own, 409, "claim_own_item")["message"] == translate("claim_own_item", "ar")

    created = await file_claim(client, claimant, item_id)
    decision = f"/api/v1/claims/{created['id']}/decision"
    for body in ({}, {"decision": "maybe"}, {"decision": 1}, {"decision": "reject", "reason": 5}):
        response = await client.post(decision, json=body, headers=finder.headers)
        assert response.status_code == 422, (body, response.text)
    for reason in (None, "", "   "):
        response = await decide(client, finder, created["id"], "reject", reason=reason)
        assert field_error(response) == (["body", "reason"], "reason_required")
    too_long = await decide(client, finder, created["id"], "reject", reason="x" * 1001)
    assert field_error(too_long)[1] == "string_too_long"
    unknown = f"/api/v1/claims/{uuid.uuid4()}"
    assert_error(await client.get(unknown, headers=finder.headers), 404, "not_found")
    assert_error(await decide(client, finder, str(uuid.uuid4()), "approve"), 404, "not_found")
    assert (await client.get("/api/v1/claims/nope", headers=finder.headers)).status_code == 422
    stored = (await client.get(f"/api/v1/claims/{created['id']}", headers=finder.headers)).json()
    assert stored["status"] == "pending"


async def test_repeated_wrong_claims_are_limited(
    client: httpx.AsyncClient, container: Container
) -> None:
    finder, claimant = await register(client), await register(client)
    sessions = container.sessionmaker
    item_id = str(await insert_report(sessions, finder.id, "found", control_details=SECRET))
    for _ in range(3):
        created = await file_claim(client, claimant, item_id)
        rejected = await decide(client, finder, created["id"], "reject", reason="Wrong cards")
        assert rejected.status_code == 200 and rejected.json()["reason"] == "Wrong cards"
    limited = await claim(client, claimant, item_id)
    assert_error(limited, 429, "too_many_claims")
    # The limit lifts a day after the oldest of the three rejections.
    assert 86_000 < int(limited.headers["Retry-After"]) <= 86_400
    told = [n for n in await notifications(client, claimant) if n["type"] == "claim"]
    assert len(told) == 3 and "Wrong cards" in told[0]["message"]
    mine = await client.get("/api/v1/claims?status=rejected", headers=claimant.headers)
    assert mine.json()["pagination"]["total"] == 3
    async with sessions() as session:
        await session.execute(
            update(Claim)
            .where(Claim.item_id == uuid.UUID(item_id))
            .values(decided_at=datetime.now(UTC) - timedelta(hours=23, minutes=50))
        )
        await session.commit()
    limited = await claim(client, claimant, item_id)
    assert_error(limited, 429, "too_many_claims")
    assert 500 < int(limited.headers["Retry-After"]) <= 600
    async with sessions() as session:
        await session.execute(
            update(Claim)
            .where(Claim.item_id == uuid.UUID(item_id))
            .values(decided_at=datetime.now(UTC) - timedelta(hours=25))
        )
        await session.commit()
    assert (await claim(client, claimant, item_id)).status_code == 201


async def test_many_strangers_claims_never_lock_the_owner_out(
    client: httpx.AsyncClient, container: Container
) -> None:
    """Ten strangers' wrong claims on one item: the real owner's claim is still filed and
    reaches the desk, held for review; the venue's members are alerted once."""
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    wallet = await intake_one(client, staff, venue["id"], control_details=SECRET)
    strangers = [await register(client) for _ in range(12)]

    async def guess(account: Account) -> httpx.Response:
        return await claim(client, account, wallet["id"], answers="A wallet with some cards")

    first = await asyncio.gather(*(guess(account) for account in strangers[:10]))
    assert [response.status_code for response in first] == [201] * 10
    for created in first:
        rejected = await decide(client, staff, created.json()["id"], "reject", reason="Wrong")
        assert rejected.status_code == 200, rejected.text
    # More guesses at once, while they are still arriving: accepted, held, one alert.
    later = await asyncio.gather(*(guess(account) for account in strangers[10:]))
    assert [response.status_code for response in later] == [201, 201]

    real = await register(client)
    filed = await claim(client, real, wallet["id"])
    assert filed.status_code == 201, filed.text
    mine = filed.json()
    assert mine["status"] == "pending"
    assert SECRET not in filed.text and "control_details" not in mine
    assert "held_for_review" not in mine  # the claimant is told nothing of the hold

    queue = await client.get(f"/api/v1/venues/{venue['id']}/claims", headers=staff.headers)
    assert queue.status_code == 200, queue.text
    review = {entry["id"]: entry for entry in queue.json()["claims"]}
    assert review[mine["id"]]["held_for_review"] is True
    assert review[mine["id"]]["status"] == "pending"
    assert not any(review[response.json()["id"]]["held_for_review"] for response in first)
    assert all(review[response.json()["id"]]["held_for_review"] for response in later)
    page = await client.get(f"/api/v1/claims/{mine['id']}", headers=real.headers)
    assert page.status_code == 200 and SECRET not in page.text
    assert page.json().get("held_for_review") is None
    assert not [n for n in await notifications(client, real) if n["type"] == "claim"]

    for member in (owner, staff):
        listed = await client.get(
            "/api/v1/notifications", params={"page_size": 50}, headers=member.headers
        )
        heard = listed.json()["notifications"]
        received = [
            n for n in heard if n["title"] == translate("notify.claim_received.title", "en")
        ]
        assert len(received) == 13
        [alert] = [n for n in heard if n["title"] == translate("notify.many_claims.title", "en")]
        assert wallet["title"] in alert["message"]


async def test_claims_are_kept_within_the_finder_side(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    rival_owner = await register(client)
    rival = await create_venue(client, rival_owner, name="Mall of the Emirates")
    rival_staff = await add_member(client, container, rival["id"])
    wallet = await intake_one(client, staff, venue["id"], control_details=SECRET)
    bag = await intake_one(client, staff, venue["id"], title="Blue bag", category="bag")
    claimant, stranger = await register(client), await register(client)
    on_wallet = await file_claim(client, claimant, wallet["id"])
    on_bag = await file_claim(client, claimant, bag["id"])
    for member in (owner, staff):  # every member hears of a claim, never the desk account
        assert len([n for n in await notifications(client, member) if n["type"] == "claim"]) == 2

    requests = [
        ("GET", f"/api/v1/items/{wallet['id']}/claims", None),
        ("GET", f"/api/v1/claims/{on_wallet['id']}", None),
        ("POST", f"/api/v1/claims/{on_wallet['id']}/decision", {"decision": "approve"}),
        ("GET", f"/api/v1/venues/{venue['id']}/claims", None),
    ]
    for account in (stranger, rival_staff, rival_owner):
        for method, path, body in requests:
            response = await client.request(method, path, json=body, headers=account.headers)
            assert_error(response, 404, "not_found")
    for method, path, body in requests:
        assert (await client.request(method, path, json=body)).status_code == 401
    own_decision = await decide(client, claimant, on_wallet["id"], "approve")
    assert_error(own_decision, 404, "not_found")
    listing = await client.get(f"/api/v1/items/{wallet['id']}/claims", headers=claimant.headers)
    assert_error(listing, 404, "not_found")

    queue = await client.get(
        f"/api/v1/venues/{venue['id']}/claims", params={"status": "pending"}, headers=staff.headers
    )
    by_id = {c["id"]: c for c in queue.json()["claims"]}
    assert set(by_id) == {on_wallet["id"], on_bag["id"]}
    assert by_id[on_wallet["id"]]["control_details"] == SECRET
    assert by_id[on_wallet["id"]]["tag_code"] == wallet["tag_code"]
    rejected = await decide(client, staff, on_bag["id"], "reject", reason="Not a blue bag")
    assert rejected.status_code == 200
    queue = await client.get(
        f"/api/v1/venues/{venue['id']}/claims?status=pending", headers=owner.headers
    )
    assert [c["id"] for c in queue.json()["claims"]] == [on_wallet["id"]]
    rival_queue = await client.get(
        f"/api/v1/venues/{rival['id']}/claims", headers=rival_staff.headers
    )
    assert rival_queue.json()["claims"] == []

    removed = await client.delete(
        f"/api/v1/venues/{venue['id']}/members/{staff.id}", headers=owner.headers
    )
    assert removed.status_code == 204
    for method, path, body in requests:
        response = await client.request(method, path, json=body, headers=staff.headers)
        assert_error(response, 404, "not_found")
    mine = await client.get(f"/api/v1/claims/{on_wallet['id']}", headers=claimant.headers)
    assert mine.json()["status"] == "pending" and SECRET not in mine.text
    assert await _desk_notifications(container, venue["id"]) == 0


async def _desk_notifications(container: Container, venue_id: str) -> int:
    async with container.sessionmaker() as session:
        venue = await session.get(Venue, uuid.UUID(venue_id))
        assert venue is not None
        desk = venue.desk_user_id
        found = await session.scalars(select(Notification.id).where(Notification.user_id == desk))
        return len(found.all())


async def test_with_control_details_two_yeses_wait_for_an_approved_claim(
    client: httpx.AsyncClient, container: Container
) -> None:
    loser, finder = await register(client, full_name="Loser"), await register(client)
    sessions = container.sessionmaker
    lost = str(
        await insert_report(
            sessions, loser.id, "lost", contact_method="phone", contact_phone=LOSER_PHONE
        )
    )
    found = str(
        await insert_report(
            sessions,
            finder.id,
            "found",
            control_details=SECRET,
            contact_method="phone",
            contact_phone=FINDER_PHONE,
        )
    )
    match_id = await pin_match(sessions, lost, found)
    url = f"/api/v1/matches/{match_id}/confirm"
    first = await client.post(url, json={"confirmed": True}, headers=loser.headers)
    assert first.json()["match"]["status"] == "pending" and first.json()["claim_required"]
    [asked] = [n for n in await notifications(client, loser) if n["type"] == "claim"]
    assert asked["item_id"] == found and asked["match_id"] == match_id
    second = await client.post(url, json={"confirmed": True}, headers=finder.headers)
    state = second.json()
    assert state["match"]["status"] == "pending" and state["claim_required"] is True
    assert state["match"]["user_item_owner_confirmed"] is True
    assert state["match"]["matched_item_owner_confirmed"] is True
    found_url, lost_url = f"/api/v1/items/{found}", f"/api/v1/items/{lost}"
    assert (await client.get(found_url, headers=loser.headers)).json()["contact_phone"] is None
    assert (await client.get(lost_url, headers=finder.headers)).json()["contact_phone"] is None

    created = await file_claim(client, loser, found, lost_item_id=lost)
    assert created["lost_item_id"] == lost
    assert (await decide(client, finder, created["id"], "approve")).status_code == 200
    assert (await client.get(found_url, headers=loser.headers)).json()["contact_phone"] == (
        FINDER_PHONE
    )
    assert (await client.get(lost_url, headers=finder.headers)).json()["contact_phone"] == (
        LOSER_PHONE
    )
    async with sessions() as session:
        match = await session.get(Match, uuid.UUID(match_id))
        assert match is not None and match.status == "contacted"
        statuses = set((await session.scalars(select(Item.status))).all())
    assert statuses == {"matched"}
    shared = [n for n in await notifications(client, loser) if n["type"] == "claim"]
    assert FINDER_PHONE in shared[0]["message"]
    newest = (await notifications(client, finder))[0]
    assert newest["type"] == "claim" and LOSER_PHONE in newest["message"]


async def test_venue_members_confirm_for_the_desk(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    item = await intake_one(client, staff, venue["id"])
    loser = await register(client, full_name="Loser")
    lost = str(
        await insert_report(
            container.sessionmaker,
            loser.id,
            "lost",
            contact_method="phone",
            contact_phone=LOSER_PHONE,
        )
    )
    match_id = await pin_match(container.sessionmaker, lost, item["id"])
    url = f"/api/v1/matches/{match_id}/confirm"
    by_staff = await client.post(url, json={"confirmed": True}, headers=staff.headers)
    assert by_staff.status_code == 200, by_staff.text
    assert by_staff.json()["match"]["matched_item_owner_confirmed"] is True
    [heard] = [n for n in await notifications(client, loser) if n["type"] == "match"]
    assert "Dubai Mall" in heard["message"]  # the desk answers under the venue's name
    by_loser = await client.post(url, json={"confirmed": True}, headers=loser.headers)
    assert by_loser.json()["match"]["status"] == "contacted"
    assert by_loser.json()["claim_required"] is False
    seen = await client.get(f"/api/v1/items/{item['id']}", headers=loser.headers)
    assert seen.json()["contact_phone"] == venue["desk_phone"]
    theirs = await client.get(f"/api/v1/items/{lost}", headers=owner.headers)
    assert theirs.json()["contact_phone"] == LOSER_PHONE
    for member in (owner, staff):
        shared = [n for n in await notifications(client, member) if n["type"] == "claim"]
        assert len(shared) == 1 and LOSER_PHONE in shared[0]["message"]
    assert await _desk_notifications(container, venue["id"]) == 0
