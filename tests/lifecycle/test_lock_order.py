"""Use cases that touch the same rows at the same moment wait for each other (one lock order),
so that each gets its answer and none a 500 from a deadlock."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from sqlalchemy import text

from mafqood.composition.container import Container
from tests.factories import insert_report, pin_match, register
from tests.venues.helpers import create_venue, intake_one


async def test_a_disposal_and_an_answer_to_its_match_at_once(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    seekers = [await register(client) for _ in range(4)]
    pairs = []
    for number, seeker in enumerate(seekers):
        item = await intake_one(client, owner, venue["id"], category="id", title=f"ID {number}")
        lost_id = await insert_report(container.sessionmaker, seeker.id, category="id")
        pairs.append((item, await pin_match(container.sessionmaker, str(lost_id), item["id"])))
    async with container.sessionmaker() as session:
        await session.execute(
            text("UPDATE items SET created_at = now() - interval '40 days' WHERE venue_id = :v"),
            {"v": uuid.UUID(venue["id"])},
        )
        await session.commit()

    answers = await asyncio.gather(
        *(
            request
            for (item, match_id), seeker in zip(pairs, seekers, strict=True)
            for request in (
                client.post(
                    f"/api/v1/venues/{venue['id']}/items/{item['id']}/disposal",
                    json={"method": "donated"},
                    headers=owner.headers,
                ),
                client.post(
                    f"/api/v1/matches/{match_id}/confirm",
                    json={"confirmed": False},
                    headers=seeker.headers,
                ),
            )
        )
    )
    disposals, confirmations = answers[::2], answers[1::2]
    assert [r.status_code for r in disposals] == [201] * 4, [r.text for r in disposals]
    for response in confirmations:
        assert response.status_code in (200, 409), response.text
        if response.status_code == 409:
            assert response.json()["code"] == "match_closed"
