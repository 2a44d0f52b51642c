"""Handovers: recording who collected a found item, and what that closes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from mafqood.composition.container import Container
from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim, Disposal, Handover, Match
from tests.factories import Account, insert_report, pin_match, register
from tests.venues.claim_helpers import (
    SECRET,
    assert_error,
    decide,
    field_error,
    file_claim,
    notifications,
)
from tests.venues.helpers import add_member, create_venue, intake_one


async def hand_over(
    client: httpx.AsyncClient, account: Account, item_id: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/items/{item_id}/handover",
        json={"collected_by_name": "Sara Ahmed", "id_checked": False, **body},
        headers=account.headers,
    )


async def _handovers(container: Container) -> list[Handover]:
    async with container.sessionmaker() as session:
        return list((await session.scalars(select(Handover))).all())


async def test_handover_to_an_approved_claimant_closes_everything(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    item = await intake_one(client, staff, venue["id"], control_details=SECRET)
    sara, other = await register(client, full_name="Sara Ahmed"), await register(client)
    lost = str(await insert_report(container.sessionmaker, sara.id, "lost"))
    match_id = await pin_match(container.sessionmaker, lost, item["id"])
    winning = await file_claim(client, sara, item["id"], lost_item_id=lost)
    losing = await file_claim(client, other, item["id"])
    assert (await decide(client, owner, winning["id"], "approve")).status_code == 200

    response = await hand_over(
        client,
        staff,
        item["id"],
        claim_id=winning["id"],
        id_checked=True,
        id_type="national_id",
        id_last4="48a1",
        notes="Collected at the desk",
    )
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["claim_id"] == winning["id"] and record["collected_by_user_id"] == sara.id
    assert record["staff_id"] == staff.id and record["id_last4"] == "48A1"
    assert record["id_type"] == "national_id" and record["collected_at"]
    fetched = await client.get(f"/api/v1/items/{item['id']}/handover", headers=owner.headers)
    assert fetched.json() == record

    async with container.sessionmaker() as session:
        statuses = dict((await session.execute(select(Item.id, Item.status))).all())
        match = await session.get(Match, uuid.UUID(match_id))
        closed = await session.get(Claim, uuid.UUID(losing["id"]))
    assert statuses == {uuid.UUID(item["id"]): "claimed", uuid.UUID(lost): "claimed"}
    assert match is not None and match.status == "claimed"
    assert closed is not None and closed.status == "rejected"
    assert closed.reason == "handed over to another claimant" and closed.decided_by is not None
    [closing] = [n for n in await notifications(client, other) if n["type"] == "claim"]
    assert "handed over to someone else" in closing["message"]
    told = [n for n in await notifications(client, sara) if n["type"] == "update"]
    assert len(told) == 1 and "Sara Ahmed" in told[0]["message"]
    owner_told = [n for n in await notifications(client, owner) if n["type"] == "update"]
    assert len(owner_told) == 1 and owner_told[0]["item_id"] == item["id"]
    assert [n for n in await notifications(client, staff) if n["type"] == "update"] == []

    again = await hand_over(client, owner, item["id"])
    assert_error(again, 409, "already_handed_over")
    late = await client.post(
        f"/api/v1/items/{item['id']}/claims",
        json={"answers": "It is mine"},
        headers=(await register(client)).headers,
    )
    assert_error(late, 409, "item_not_claimable")
    assert len(await _handovers(container)) == 1


async def test_a_person_hands_over_their_found_report(
    client: httpx.AsyncClient, container: Container
) -> None:
    finder = await register(client)
    item_id = str(await insert_report(container.sessionmaker, finder.id, "found"))
    missing = await client.get(f"/api/v1/items/{item_id}/handover", headers=finder.headers)
    assert_error(missing, 404, "not_found")
    waiting = await file_claim(client, await register(client), item_id)
    when = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    # An ID that was not checked leaves no trace of one.
    response = await hand_over(
        client, finder, item_id, collected_at=when, id_type="passport", id_last4="1234"
    )
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["collected_by_user_id"] is None and record["claim_id"] is None
    assert record["id_type"] is None and record["id_last4"] is None
    assert datetime.fromisoformat(record["collected_at"]) == datetime.fromisoformat(when)
    async with container.sessionmaker() as session:
        claim = await session.get(Claim, uuid.UUID(waiting["id"]))
        item = await session.get(Item, uuid.UUID(item_id))
    assert claim is not None and claim.status == "rejected"
    assert item is not None and item.status == "claimed"


async def test_handover_refuses_bad_input(client: httpx.AsyncClient, container: Container) -> None:
    finder, claimant = await register(client), await register(client)
    item_id = str(await insert_report(container.sessionmaker, finder.id, "found"))
    pending = await file_claim(client, claimant, item_id)
    elsewhere = str(await insert_report(container.sessionmaker, finder.id, "found", title="Bag"))
    other_claim = await file_claim(client, claimant, elsewhere)
    assert (await decide(client, finder, other_claim["id"], "approve")).status_code == 200
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    # Only the last four characters of an ID: a full number is refused, never cut and kept.
    checked = {"id_checked": True, "id_type": "passport"}
    too_much = ("12345", "784-1987-1234567-1", "12 4", "١٢٣٤")
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({**checked, "id_last4": value}, "id_last4", "id_last4") for value in too_much
    ]
    cases += [
        ({"id_checked": True}, "id_type", "id_type_required"),
        ({"id_checked": True, "id_type": "library_card"}, "id_type", "literal_error"),
        ({"id_checked": "perhaps"}, "id_checked", "bool_parsing"),
        ({"collected_at": future}, "collected_at", "date_in_future"),
        ({"collected_at": "yesterday"}, "collected_at", "datetime_from_date_parsing"),
        ({"collected_by_name": ""}, "collected_by_name", "blank"),
        ({"collected_by_name": "Sara\x00"}, "collected_by_name", "nul_character"),
        ({"notes": "x" * 1001}, "notes", "string_too_long"),
        ({"claim_id": "nope"}, "claim_id", "uuid_parsing"),
        ({"claim_id": pending["id"]}, "claim_id", "claim_not_approved"),
        ({"claim_id": other_claim["id"]}, "claim_id", "claim_not_approved"),
        ({"claim_id": str(uuid.uuid4())}, "claim_id", "claim_not_approved"),
    ]
    for body, field, error_type in cases:
        response = await hand_over(client, finder, item_id, **body)
        assert field_error(response) == (["body", field], error_type), (body, response.text)
    no_name = await client.post(
        f"/api/v1/items/{item_id}/handover", json={"id_checked": False}, headers=finder.headers
    )
    assert field_error(no_name) == (["body", "collected_by_name"], "missing")
    arabic = await client.post(
        f"/api/v1/items/{item_id}/handover",
        json={"collected_by_name": "Sara", "id_checked": True},
        headers={**finder.headers, "Accept-Language": "ar"},
    )
    assert field_error(arabic)[1] == "id_type_required"
    assert arabic.json()["detail"][0]["msg"] == "حدّد نوع الهوية التي تم التحقق منها."
    assert await _handovers(container) == []
    async with container.sessionmaker() as session:
        item = await session.get(Item, uuid.UUID(item_id))
    assert item is not None and item.status == "open"


async def test_a_disposed_item_cannot_be_handed_over(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    item = await intake_one(client, owner, venue["id"])
    async with container.sessionmaker() as session:
        session.add(
            Disposal(
                item_id=uuid.UUID(item["id"]), venue_id=uuid.UUID(venue["id"]), method="police"
            )
        )
        await session.commit()
    assert_error(await hand_over(client, owner, item["id"]), 409, "item_not_held")
    assert await _handovers(container) == []


async def test_handovers_are_kept_within_the_finder_side(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    rival_owner = await register(client)
    rival = await create_venue(client, rival_owner, name="Mall of the Emirates")
    rival_staff = await add_member(client, container, rival["id"])
    item = await intake_one(client, staff, venue["id"])
    claimant, stranger = await register(client), await register(client)
    await file_claim(client, claimant, item["id"])
    lost = str(await insert_report(container.sessionmaker, claimant.id, "lost"))
    url = f"/api/v1/items/{item['id']}/handover"
    for account in (stranger, rival_staff, rival_owner, claimant):
        assert_error(await hand_over(client, account, item["id"]), 404, "not_found")
        assert_error(await client.get(url, headers=account.headers), 404, "not_found")
    assert (await client.post(url, json={"collected_by_name": "x"})).status_code == 401
    assert_error(await hand_over(client, owner, lost), 404, "not_found")  # not a found item
    assert_error(await hand_over(client, owner, str(uuid.uuid4())), 404, "not_found")
    removed = await client.delete(
        f"/api/v1/venues/{venue['id']}/members/{staff.id}", headers=owner.headers
    )
    assert removed.status_code == 204
    assert_error(await hand_over(client, staff, item["id"]), 404, "not_found")
    assert await _handovers(container) == []
    assert (await hand_over(client, owner, item["id"])).status_code == 201
    assert_error(await client.get(url, headers=staff.headers), 404, "not_found")
    assert (await client.get(url, headers=owner.headers)).status_code == 200
