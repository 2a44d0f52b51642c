"""The desk under concurrency: two staff members acting on one thing at the same moment
get one success and one clear refusal, never two records or a 500."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from sqlalchemy import select

from mafqood.composition.container import Container
from mafqood.venues.models import VenueMember
from tests.factories import register
from tests.venues.claim_helpers import claim, decide, file_claim
from tests.venues.helpers import add_member, create_venue, entry, intake, intake_one


async def test_one_decision_and_one_handover_win(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    item = await intake_one(client, owner, venue["id"], control_details="A photo of a cat")
    visitor = await register(client)
    filed = await file_claim(client, visitor, item["id"])

    decisions = await asyncio.gather(
        decide(client, owner, filed["id"], "approve"),
        decide(client, staff, filed["id"], "reject", reason="Answers do not fit"),
        decide(client, staff, filed["id"], "approve"),
    )
    statuses = sorted(response.status_code for response in decisions)
    assert statuses == [200, 409, 409], [r.text for r in decisions]
    assert all(r.json()["code"] == "claim_decided" for r in decisions if r.status_code == 409)

    body = {"collected_by_name": "Sara Ahmed", "id_checked": False}
    handovers = await asyncio.gather(
        *(
            client.post(f"/api/v1/items/{item['id']}/handover", json=body, headers=who.headers)
            for who in (owner, staff, owner, staff)
        )
    )
    assert sorted(r.status_code for r in handovers) == [201, 409, 409, 409]
    record = await client.get(f"/api/v1/items/{item['id']}/handover", headers=staff.headers)
    assert record.status_code == 200


async def test_parallel_claims_and_batches(client: httpx.AsyncClient, container: Container) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = [await add_member(client, container, venue["id"]) for _ in range(3)]
    item = await intake_one(client, owner, venue["id"])
    visitor = await register(client)
    claims = await asyncio.gather(*(claim(client, visitor, item["id"]) for _ in range(4)))
    assert sorted(r.status_code for r in claims) == [201, 409, 409, 409]

    # Three staff members take in batches at once: every item is stored, every tag distinct.
    batches = await asyncio.gather(
        *(
            intake(
                client,
                member,
                venue["id"],
                [entry(f"p{i}", title=f"Item {n}-{i}") for i in range(3)],
            )
            for n, member in enumerate(staff)
        )
    )
    assert [b.status_code for b in batches] == [201, 201, 201]
    tags = [r["item"]["tag_code"] for b in batches for r in b.json()["results"]]
    assert len(tags) == len(set(tags)) == 9
    listing = await client.get(
        f"/api/v1/venues/{venue['id']}/items", params={"page_size": 50}, headers=owner.headers
    )
    assert listing.json()["pagination"]["total"] == 10


async def _roles(container: Container, venue_id: str) -> list[str]:
    async with container.sessionmaker() as session:
        rows = await session.scalars(
            select(VenueMember.role).where(VenueMember.venue_id == uuid.UUID(venue_id))
        )
        return sorted(rows)


async def test_two_owners_removing_each_other_leave_one_owner(
    client: httpx.AsyncClient, container: Container
) -> None:
    """Membership changes of one venue run one after the other: of two owners removing
    each other at the same moment, the second finds itself no longer a member."""
    for _ in range(6):
        first = await register(client)
        venue = await create_venue(client, first)
        second = await add_member(client, container, venue["id"], role="owner")
        path = f"/api/v1/venues/{venue['id']}/members/"
        removals = await asyncio.gather(
            client.delete(path + second.id, headers=first.headers),
            client.delete(path + first.id, headers=second.headers),
        )
        assert sorted(r.status_code for r in removals) == [204, 404], [r.text for r in removals]
        assert await _roles(container, venue["id"]) == ["owner"]


async def test_two_owners_leaving_at_once_keep_one(
    client: httpx.AsyncClient, container: Container
) -> None:
    for _ in range(6):
        first = await register(client)
        venue = await create_venue(client, first)
        second = await add_member(client, container, venue["id"], role="owner")
        path = f"/api/v1/venues/{venue['id']}/members/"
        leaving = await asyncio.gather(
            *(client.delete(path + who.id, headers=who.headers) for who in (first, second))
        )
        assert sorted(r.status_code for r in leaving) == [204, 409], [r.text for r in leaving]
        assert [r.json()["code"] for r in leaving if r.status_code == 409] == ["last_owner"]
        assert await _roles(container, venue["id"]) == ["owner"]
