"""A venue desk's whole day through the API: intake of three items in one request, a lost
report matches one, its owner claims it with answers, staff approve, hand it over, and the
report counts it."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from mafqood.composition.container import Container
from tests import images
from tests.factories import create_item, register, wait_for
from tests.venues.claim_helpers import decide, file_claim, notifications
from tests.venues.helpers import add_member, create_venue, entry, intake


async def test_intake_match_claim_approve_handover_report(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    photos = {
        name: images.jpeg(seed=seed) for name, seed in (("p0", 8101), ("p1", 8102), ("p2", 8103))
    }
    response = await intake(
        client,
        staff,
        venue["id"],
        [
            entry(
                "p0",
                title="Black leather wallet",
                category="wallet",
                control_details="Two bank cards and a photo of a cat",
            ),
            entry("p1", title="Blue backpack", category="bag"),
            entry("p2", title="Silver car keys", category="keys"),
        ],
        photos,
    )
    assert response.status_code == 201, response.text
    assert response.json()["created"] == 3
    wallet = response.json()["results"][0]["item"]

    # The owner of the wallet reports it lost with a photo of the same wallet.
    visitor = await register(client, full_name="Omar Khalid")
    lost = await create_item(
        client,
        visitor,
        "lost",
        title="Black leather wallet",
        category="wallet",
        location="Dubai Mall",
        photo=photos["p0"],
        date_time=datetime.now(UTC).isoformat(),
    )

    async def matched() -> list[dict[str, object]]:
        found = await client.get(f"/api/v1/items/{lost['id']}/matches", headers=visitor.headers)
        return [m for m in found.json()["matches"] if m["matched_item"]["id"] == wallet["id"]]

    await wait_for(matched, timeout=60)
    listing = await client.get(
        f"/api/v1/venues/{venue['id']}/items",
        params={"has_matches": "true"},
        headers=staff.headers,
    )
    assert wallet["id"] in [item["id"] for item in listing.json()["items"]]

    claim = await file_claim(
        client,
        visitor,
        wallet["id"],
        answers="Two cards and my cat's photo",
        lost_item_id=lost["id"],
    )
    queue = await client.get(
        f"/api/v1/venues/{venue['id']}/claims",
        params={"status": "pending"},
        headers=staff.headers,
    )
    [waiting] = queue.json()["claims"]
    assert waiting["control_details"] == "Two bank cards and a photo of a cat"
    assert waiting["answers"] == "Two cards and my cat's photo"
    approved = await decide(client, staff, claim["id"], "approve")
    assert approved.status_code == 200, approved.text

    # Approval reveals the desk's contact to the visitor, never the staff member's.
    texts = " ".join(n["message"] for n in await notifications(client, visitor))
    assert "+97143627500" in texts

    handover = await client.post(
        f"/api/v1/items/{wallet['id']}/handover",
        json={
            "collected_by_name": "Omar Khalid",
            "claim_id": claim["id"],
            "id_checked": True,
            "id_type": "national_id",
            "id_last4": "4821",
        },
        headers=staff.headers,
    )
    assert handover.status_code == 201, handover.text
    item = await client.get(
        f"/api/v1/venues/{venue['id']}/items/{wallet['id']}", headers=staff.headers
    )
    assert item.json()["status"] == "claimed"

    report = await client.get(f"/api/v1/venues/{venue['id']}/reports", headers=owner.headers)
    assert report.status_code == 200, report.text
    numbers = report.json()
    assert numbers["received"] == 3
    assert numbers["matched"] >= 1
    assert numbers["claimed"] == 1
    assert numbers["returned"] == 1
    assert numbers["return_rate"] == pytest.approx(1 / 3, abs=1e-3)
    wallets = next(row for row in numbers["by_category"] if row["category"] == "wallet")
    assert (wallets["received"], wallets["returned"]) == (1, 1)
