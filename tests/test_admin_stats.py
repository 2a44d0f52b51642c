"""GET /api/v1/admin/stats: the key metrics of a period, counted from seeded rows with known
dates, and the same numbers as Prometheus gauges."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from mafqood.composition.container import Container
from mafqood.lifecycle.models import Match
from mafqood.users.models import RefreshToken, User
from tests.factories import Account, insert_report, make_admin, register

PERIOD = {"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}


def at(day: int, hour: int = 0, month: int = 1, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


async def set_created(container: Container, account: Account, when: datetime) -> None:
    async with container.sessionmaker() as session:
        await session.execute(
            update(User).where(User.id == uuid.UUID(account.id)).values(created_at=when)
        )
        await session.commit()


async def insert_item(
    container: Container, owner: Account, kind: str, created: datetime, status: str = "open"
) -> uuid.UUID:
    return await insert_report(
        container.sessionmaker,
        owner.id,
        kind,
        status=status,
        date_time=created,
        created_at=created,
        updated_at=created,
    )


async def insert_match(
    container: Container,
    lost: uuid.UUID,
    found: uuid.UUID,
    created: datetime,
    answered: datetime | None = None,
    answers: tuple[bool | None, bool | None] = (None, None),
) -> None:
    lost_yes, found_yes = answers
    if lost_yes is False or found_yes is False:
        status = "rejected"
    elif lost_yes and found_yes:
        status = "contacted"
    else:
        status = "pending"
    async with container.sessionmaker() as session:
        session.add(
            Match(
                user_item_id=lost,
                matched_item_id=found,
                similarity_score=0.9,
                confidence="high",
                user_item_owner_confirmed=lost_yes,
                matched_item_owner_confirmed=found_yes,
                status=status,
                created_at=created,
                updated_at=answered or created,
            )
        )
        await session.commit()


async def seed(client: httpx.AsyncClient, container: Container) -> Account:
    """Alice registers in the period, Bob before it; the admin registers now. Items posted in
    January: L1 (claimed), F1, L2 (closed), L3; F2 in December."""
    admin, alice, bob = await register(client), await register(client), await register(client)
    await make_admin(container, admin)
    await set_created(container, alice, at(10))
    await set_created(container, bob, at(1, month=12, year=2025))
    async with container.sessionmaker() as session:
        session.add(
            RefreshToken(
                user_id=uuid.UUID(bob.id),
                family_id=uuid.uuid4(),
                token_hash="seeded-login",
                expires_at=at(28, month=2),
                created_at=at(31, 12),
            )
        )
        await session.commit()
    l1 = await insert_item(container, alice, "lost", at(10), status="claimed")
    f1 = await insert_item(container, bob, "found", at(10, 1))
    l2 = await insert_item(container, alice, "lost", at(20), status="closed")
    f2 = await insert_item(container, bob, "found", at(15, month=12, year=2025))
    l3 = await insert_item(container, alice, "lost", at(25))
    # M1: matched after 2 h (L1) / 1 h (F1); both said yes a day later.
    await insert_match(container, l1, f1, at(10, 2), answered=at(11, 2), answers=(True, True))
    # M2: matched 1 h after L2, rejected by L2's owner.
    await insert_match(container, l2, f2, at(20, 1), answered=at(20, 5), answers=(False, None))
    # M3: matched 6 h after L3, not answered.
    await insert_match(container, l3, f1, at(25, 6))
    return admin


async def test_key_metrics_of_a_period(client: httpx.AsyncClient, container: Container) -> None:
    admin = await seed(client, container)
    response = await client.get("/api/v1/admin/stats", params=PERIOD, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "from": "2026-01-01T00:00:00Z",
        "to": "2026-02-01T00:00:00Z",
        # Daily: Bob's login on the last day; monthly: Alice too (reports and answers).
        "users": {"new_registrations": 1, "daily_active": 1, "monthly_active": 2},
        "items": {"lost_posted": 3, "found_posted": 1, "closed": 1, "claimed": 1},
        # First matches after 2 h, 1 h, 1 h and 6 h; reunions after 26 h (L1) and 25 h (F1).
        "time_to_first_match": {"items": 4, "average_seconds": 9000.0, "median_seconds": 5400.0},
        "time_to_reunion": {"items": 2, "average_seconds": 91800.0, "median_seconds": 91800.0},
        "matches": {
            "shown": 3,
            "both_confirmed": 1,
            "rejected": 1,
            "acceptance_rate": 1 / 3,
            "false_positive_rate": 0.5,
            "successful_reunions": 1,
        },
    }


async def test_the_default_period_is_the_last_30_days(
    client: httpx.AsyncClient, container: Container
) -> None:
    admin = await seed(client, container)
    response = await client.get("/api/v1/admin/stats", headers=admin.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    end = datetime.fromisoformat(body["to"])
    assert abs(datetime.now(UTC) - end) < timedelta(minutes=1)
    assert datetime.fromisoformat(body["from"]) == end - timedelta(days=30)
    # Only the admin still registered now; all three signed up (a login) just now.
    assert body["users"] == {"new_registrations": 1, "daily_active": 3, "monthly_active": 3}
    assert body["matches"]["shown"] == 0
    assert body["matches"]["acceptance_rate"] is None


async def test_only_admins_see_the_statistics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/admin/stats")).status_code == 401
    user = await register(client)
    assert (await client.get("/api/v1/admin/stats", headers=user.headers)).status_code == 403


async def test_a_period_ending_before_it_starts_is_refused(
    client: httpx.AsyncClient, container: Container
) -> None:
    admin = await register(client)
    await make_admin(container, admin)
    reversed_period = {"from": PERIOD["to"], "to": PERIOD["from"]}
    response = await client.get(
        "/api/v1/admin/stats", params=reversed_period, headers=admin.headers
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["detail"][0]["loc"] == ["query", "from"]
    assert body["detail"][0]["type"] == "period_range"
    bad = await client.get("/api/v1/admin/stats", params={"to": "someday"}, headers=admin.headers)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "to"]


async def test_the_key_metrics_are_prometheus_gauges(
    client: httpx.AsyncClient, container: Container
) -> None:
    await seed(client, container)
    response = await client.get("/metrics")
    assert response.status_code == 200
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    assert samples[("mafqood_active_users", (("window", "24h"),))] == 3
    assert samples[("mafqood_active_users", (("window", "30d"),))] == 3
    assert samples[("mafqood_last_30d", (("event", "registrations"),))] == 1
    assert samples[("mafqood_last_30d", (("event", "matches_shown"),))] == 0
    first_match = (("statistic", "median"), ("step", "first_match"))
    assert samples[("mafqood_time_to_seconds", first_match)] == 0
    assert samples[("mafqood_match_rate", (("rate", "acceptance"),))] == 0
