"""A venue's report over a period, as JSON and as CSV."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import text

from mafqood.composition.container import Container
from mafqood.desk import reports
from mafqood.lifecycle.models import Claim, Handover
from mafqood.venues.models import Venue
from tests.factories import Account, insert_report, pin_match, register
from tests.venues.helpers import add_member, create_venue, intake_one

INJECTION = '=HYPERLINK("http://evil.example","Room C")'


async def seed(client: httpx.AsyncClient, container: Container) -> tuple[Account, dict[str, Any]]:
    """Three items taken in two days ago: the wallet matched and claimed, the keys handed
    over a day later, the bag (held one day there) disposed of now."""
    owner = await register(client)
    venue = await create_venue(client, owner, retention_days={"bag": 1})
    wallet = await intake_one(client, owner, venue["id"], category="wallet")
    keys = await intake_one(
        client, owner, venue["id"], category="keys", title="Keys", storage_location=INJECTION
    )
    bag = await intake_one(
        client, owner, venue["id"], category="bag", title="Bag", storage_location="Room A"
    )
    async with container.sessionmaker() as session:
        await session.execute(
            text("UPDATE items SET created_at = now() - interval '2 days' WHERE venue_id = :v"),
            {"v": uuid.UUID(venue["id"])},
        )
        await session.commit()
    seeker = await register(client)
    lost_id = await insert_report(container.sessionmaker, seeker.id)
    await pin_match(container.sessionmaker, str(lost_id), wallet["id"])
    now = datetime.now(UTC)
    async with container.sessionmaker() as session:
        session.add(
            Claim(
                item_id=uuid.UUID(wallet["id"]),
                claimant_id=uuid.UUID(seeker.id),
                answers="Two cards and a photo of my son",
                status="approved",
                decided_by=uuid.UUID(owner.id),
                decided_at=now,
            )
        )
        session.add(
            Handover(
                item_id=uuid.UUID(keys["id"]),
                collected_by_name="Sara Ahmed",
                collected_at=now - timedelta(days=1),
                id_checked=True,
            )
        )
        await session.commit()
    response = await client.post(
        f"/api/v1/venues/{venue['id']}/items/{bag['id']}/disposal",
        json={"method": "donated"},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    return owner, venue


def counts(row: dict[str, Any]) -> tuple[int, int, int]:
    return row["received"], row["returned"], row["disposed"]


async def test_report_of_the_last_30_days(client: httpx.AsyncClient, container: Container) -> None:
    owner, venue = await seed(client, container)
    response = await client.get(f"/api/v1/venues/{venue['id']}/reports", headers=owner.headers)
    assert response.status_code == 200, response.text
    report = response.json()
    start = datetime.fromisoformat(report["period"]["from"])
    end = datetime.fromisoformat(report["period"]["to"])
    assert end - start == timedelta(days=30)
    assert abs(end - datetime.now(UTC)) < timedelta(minutes=1)
    numbers = {key: report[key] for key in ("received", "matched", "claimed", "returned")}
    assert numbers == {"received": 3, "matched": 1, "claimed": 1, "returned": 1}
    assert (report["disposed"], report["intake_returned"]) == (1, 1)
    assert report["return_rate"] == 0.3333
    assert 47.9 < report["median_hours_to_first_match"] < 48.5
    assert 23.9 < report["median_hours_to_return"] < 24.5
    by_category = {row["category"]: counts(row) for row in report["by_category"]}
    assert by_category == {"wallet": (1, 0, 0), "keys": (1, 1, 0), "bag": (1, 0, 1)}
    by_place = {row["storage_location"]: counts(row) for row in report["by_storage_location"]}
    assert by_place == {
        "Room B / shelf 2": (1, 0, 0),
        INJECTION: (1, 1, 0),
        "Room A": (1, 0, 1),
    }

    # Weekly numbers for charts: Monday weeks (UTC) covering the period, empty ones included.
    async with container.sessionmaker() as session:
        venue_row = await session.get(Venue, uuid.UUID(venue["id"]))
        assert venue_row is not None
        weeks = await reports.weekly(session, venue_row, start, end)
    assert 5 <= len(weeks) <= 6
    assert all(week.weekday() == 0 and week.utcoffset() == timedelta(0) for week, _, _ in weeks)
    assert weeks[0][0] <= start < weeks[0][0] + timedelta(days=7) and weeks[-1][0] < end
    assert (sum(row[1] for row in weeks), sum(row[2] for row in weeks)) == (3, 1)

    # The last day and a half: the handover and the disposal, none of the intake.
    since = (datetime.now(UTC) - timedelta(hours=36)).isoformat()
    response = await client.get(
        f"/api/v1/venues/{venue['id']}/reports", params={"from": since}, headers=owner.headers
    )
    recent = response.json()
    assert (recent["received"], recent["returned"], recent["disposed"]) == (0, 1, 1)
    assert recent["return_rate"] is None and recent["median_hours_to_first_match"] is None
    assert recent["median_hours_to_return"] is None and recent["matched"] == 0
    assert {row["category"] for row in recent["by_category"]} == {"keys", "bag"}


async def test_report_as_csv(client: httpx.AsyncClient, container: Container) -> None:
    owner, venue = await seed(client, container)
    staff = await add_member(client, container, venue["id"])
    path = f"/api/v1/venues/{venue['id']}/reports"
    response = await client.get(path, params={"format": "csv"}, headers=staff.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="venue-report-')
    assert disposition.endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    total, *rest = rows
    assert (total["group"], total["name"], total["received"], total["matched"]) == (
        "total",
        "",
        "3",
        "1",
    )
    assert total["return_rate"] == "0.3333" and total["claimed"] == "1"
    categories = {row["name"]: row for row in rest if row["group"] == "category"}
    assert set(categories) == {"wallet", "keys", "bag"}
    assert categories["bag"]["disposed"] == "1" and categories["bag"]["matched"] == ""
    places = {row["name"] for row in rest if row["group"] == "storage_location"}
    # A formula typed as a storage place reaches the spreadsheet as text.
    assert places == {"Room B / shelf 2", "'" + INJECTION, "Room A"}
    assert len(rows) == 7

    by_header = await client.get(path, headers={**owner.headers, "Accept": "text/csv"})
    assert by_header.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_header.content.decode("utf-8-sig").splitlines()[0].startswith("from,to,group,name")


async def test_report_periods_and_isolation(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    path = f"/api/v1/venues/{venue['id']}/reports"
    empty = await client.get(
        path,
        params={"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"},
        headers=owner.headers,
    )
    assert empty.status_code == 200
    assert empty.json()["period"] == {"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}
    assert empty.json()["received"] == 0 and empty.json()["by_category"] == []
    for params, field, kind in [
        ({"from": "2026-03-02T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "to", "date_order"),
        ({"from": "2025-01-01T00:00:00Z", "to": "2026-01-03T00:00:00Z"}, "to", "range_too_long"),
        ({"to": "not a date"}, "to", "datetime_from_date_parsing"),
        ({"format": "xlsx"}, "format", "literal_error"),
    ]:
        response = await client.get(path, params=params, headers=owner.headers)
        assert response.status_code == 422, params
        error = response.json()
        assert error["code"] == "validation_error"
        assert (error["detail"][0]["loc"], error["detail"][0]["type"]) == (["query", field], kind)
    year = {"from": "2025-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"}
    assert (await client.get(path, params=year, headers=owner.headers)).status_code == 200
    response = await client.get(
        path,
        params={**year, "to": "2026-01-03T00:00:00Z"},
        headers={**owner.headers, "Accept-Language": "ar"},
    )
    assert response.json()["detail"][0]["msg"] == "الحد الأقصى 366 يومًا من تاريخ البداية."

    # Staff of another venue learn nothing about this one.
    other_owner = await register(client)
    other = await create_venue(client, other_owner, name="Ibn Battuta Mall")
    other_staff = await add_member(client, container, other["id"])
    for account in (other_staff, other_owner):
        response = await client.get(path, headers=account.headers)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
