"""A venue's intake budget: photos per hour and per day, per venue, shared by the API and the
dashboard's form, refused whole with 429 and Retry-After; venues awaiting verification get a
much lower one."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from mafqood.core.config import Settings
from mafqood.desk.budget import intake_budget
from mafqood.staff.cookies import CSRF_COOKIE
from mafqood.users.tokens import ACCESS_COOKIE
from mafqood.venues.models import Venue
from tests import images
from tests.conftest import AppFactory, asgi_client
from tests.factories import Account, register
from tests.venues.helpers import add_member, create_venue, entry, intake

LIMITS = {"rate_limit_enabled": True}
CSRF = "c" * 24


def assert_budget_spent(response: httpx.Response, window_seconds: int) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["code"] == "intake_budget_exceeded"
    retry_after = int(response.headers["Retry-After"])
    assert window_seconds - 120 < retry_after <= window_seconds


def entries(count: int) -> list[dict[str, object]]:
    return [entry(f"p{index}") for index in range(count)]


async def dashboard_intake(
    app: FastAPI, account: Account, venue_id: str, photos: int
) -> httpx.Response:
    """The dashboard's intake form, as a browser posts it."""
    async with asgi_client(app, "198.51.100.90") as browser:
        browser.cookies.set(ACCESS_COOKIE, account.token)
        browser.cookies.set(CSRF_COOKIE, CSRF)
        data = {"csrf": CSRF}
        for row in range(photos):
            data |= {f"title_{row}": "Grey scarf", f"category_{row}": "wallet"}
        files = {
            f"photo_{row}": (f"r{row}.jpg", images.jpeg(seed=7000 + row), "image/jpeg")
            for row in range(photos)
        }
        return await browser.post(
            f"/staff/venues/{venue_id}/intake",
            data=data,
            files=files,
            headers={"Referer": f"http://test/staff/venues/{venue_id}/intake"},
        )


async def test_intake_photos_count_against_the_venues_budget(make_app: AppFactory) -> None:
    limits = {**LIMITS, "intake_photos_per_hour": 12, "intake_photos_per_day": 100}
    async with make_app(**limits) as app, asgi_client(app, "198.51.100.91") as client:
        # A brand-new account with a brand-new venue.
        owner = await register(client)
        venue = await create_venue(client, owner)
        first = await intake(client, owner, venue["id"], entries(10))
        assert first.status_code == 201 and first.json()["created"] == 10, first.text
        # Three more photos do not fit: nothing of the request is taken.
        refused = await intake(client, owner, venue["id"], entries(3))
        assert_budget_spent(refused, 3600)
        assert refused.json()["message"].startswith("This desk")
        arabic = await intake(client, owner, venue["id"], entries(3), language="ar")
        assert arabic.status_code == 429 and "الصور" in arabic.json()["message"]
        # Another member of the venue, on the dashboard, draws on the same budget.
        staff = await add_member(client, app.state.container, venue["id"])
        page = await dashboard_intake(app, staff, venue["id"], 2)
        assert page.status_code == 200, page.text
        listed = await client.get(f"/api/v1/venues/{venue['id']}/items", headers=owner.headers)
        assert listed.json()["pagination"]["total"] == 12
        over = await dashboard_intake(app, staff, venue["id"], 1)
        assert over.status_code == 303
        assert "error=intake_budget_exceeded" in over.headers["location"]
        assert_budget_spent(await intake(client, owner, venue["id"], entries(1)), 3600)
        # Another venue has its own budget; the owner's upload limit was never touched.
        elsewhere = await create_venue(client, owner, name="Terminal 1")
        assert (await intake(client, owner, elsewhere["id"], entries(1))).status_code == 201
        upload = await client.post(
            "/api/v1/upload/image",
            files={"image": ("p.jpg", images.jpeg(seed=7100, size=(64, 48)), "image/jpeg")},
            headers=owner.headers,
        )
        assert upload.status_code == 201, upload.text


async def test_the_day_budget_holds_against_concurrent_intakes(make_app: AppFactory) -> None:
    limits = {**LIMITS, "intake_photos_per_hour": 100, "intake_photos_per_day": 8}
    async with make_app(**limits) as app, asgi_client(app, "198.51.100.92") as client:
        owner = await register(client)
        venue = await create_venue(client, owner)
        answers = await asyncio.gather(
            intake(client, owner, venue["id"], entries(5)),
            intake(client, owner, venue["id"], entries(5)),
        )
        assert sorted(answer.status_code for answer in answers) == [201, 429]
        [refused] = [answer for answer in answers if answer.status_code == 429]
        assert_budget_spent(refused, 86400)
        # What is left (3 of the day's 8) is still there.
        assert (await intake(client, owner, venue["id"], entries(3))).status_code == 201
        assert_budget_spent(await intake(client, owner, venue["id"], entries(1)), 86400)


async def test_a_pending_venue_gets_the_pending_budget(make_app: AppFactory) -> None:
    """Until an administrator verifies it, a venue gets the much lower budget."""
    limits = {**LIMITS, "intake_pending_photos_per_hour": 2, "intake_photos_per_hour": 4}
    async with make_app(**limits) as app, asgi_client(app, "198.51.100.93") as client:
        owner = await register(client)
        pending = await create_venue(client, owner, verified=False)
        verified = await create_venue(client, owner, name="Terminal 1")
        assert_budget_spent(await intake(client, owner, pending["id"], entries(3)), 3600)
        assert (await intake(client, owner, pending["id"], entries(2))).status_code == 201
        assert (await intake(client, owner, verified["id"], entries(3))).status_code == 201
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    rates = intake_budget(settings, Venue(verification="pending"))
    assert [(rate.limit, rate.period_seconds) for rate in rates.values()] == [
        (20, 3600),
        (50, 86400),
    ]
    rates = intake_budget(settings, Venue(verification="verified"))
    assert [rate.limit for rate in rates.values()] == [300, 2000]
