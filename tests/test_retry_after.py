"""Every 429 of the service says when to try again: Retry-After, in whole seconds."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests import images
from tests.conftest import AppFactory, asgi_client
from tests.factories import PASSWORD, Account, insert_report, register
from tests.venues.claim_helpers import SECRET, claim, decide, file_claim
from tests.venues.helpers import create_venue, entry, intake

SRC = Path(__file__).resolve().parents[1] / "src" / "mafqood"
Scenario = Callable[[FastAPI, httpx.AsyncClient], Awaitable[httpx.Response]]


async def repeat(call: Callable[[], Awaitable[httpx.Response]], times: int) -> httpx.Response:
    """The last answer of `times` calls; the ones before it must not be 429."""
    for _ in range(times - 1):
        assert (await call()).status_code != 429
    return await call()


async def api_calls(app: FastAPI, client: httpx.AsyncClient) -> httpx.Response:
    account = await register(client)
    return await repeat(lambda: client.get("/auth/users/me", headers=account.headers), 3)


async def anonymous_calls(app: FastAPI, client: httpx.AsyncClient) -> httpx.Response:
    return await repeat(lambda: client.get("/api/v1/items"), 3)


async def logins(app: FastAPI, client: httpx.AsyncClient) -> httpx.Response:
    body = {"email": "nobody@example.com", "password": "Wrong-pass-1"}
    return await repeat(lambda: client.post("/auth/login", json=body), 2)


async def dashboard_logins(app: FastAPI, client: httpx.AsyncClient) -> httpx.Response:
    form = {"email": "nobody@example.com", "password": "Wrong-pass-1"}
    return await repeat(lambda: client.post("/staff/login", data=form), 2)


async def registrations(app: FastAPI, client: httpx.AsyncClient) -> httpx.Response:
    await register(client)
    body = {"email": "late@example.com", "password": PASSWORD, "full_name": "Late"}
    return await client.post("/auth/register", json=body)


async def forgot(app: FastAPI, client: httpx.AsyncClient) -> httpx.Response:
    body = {"email": "nobody@example.com"}
    return await repeat(lambda: client.post("/auth/forgot-password", json=body), 2)


async def uploads(app: FastAPI, client: httpx.AsyncClient) -> httpx.Response:
    account = await register(client)
    seeds = iter(range(8000, 8010))

    async def upload() -> httpx.Response:
        photo = images.jpeg(seed=next(seeds), size=(64, 48))
        return await client.post(
            "/api/v1/upload/image",
            files={"image": ("p.jpg", photo, "image/jpeg")},
            headers=account.headers,
        )

    return await repeat(upload, 2)


async def account_logins(app: FastAPI, client: httpx.AsyncClient) -> httpx.Response:
    """Wrong passwords for one account, from an address that never signed in to it."""
    account = await register(client)
    body = {"email": account.email, "password": "Wrong-pass-1"}
    async with asgi_client(app, "203.0.113.77") as elsewhere:
        return await repeat(lambda: elsewhere.post("/auth/login", json=body), 2)


async def own_rejected_claims(app: FastAPI, client: httpx.AsyncClient) -> httpx.Response:
    finder, claimant = await register(client), await register(client)
    sessions = app.state.container.sessionmaker
    item_id = str(await insert_report(sessions, finder.id, "found", control_details=SECRET))
    for _ in range(3):
        created = await file_claim(client, claimant, item_id)
        assert (
            await decide(client, finder, created["id"], "reject", reason="Wrong")
        ).status_code == 200
    return await claim(client, claimant, item_id)


async def intake_budget(app: FastAPI, client: httpx.AsyncClient) -> httpx.Response:
    owner: Account = await register(client)
    venue = await create_venue(client, owner)
    return await intake(client, owner, venue["id"], [entry("p0"), entry("p1")])


SCENARIOS: dict[str, tuple[dict[str, Any], Scenario, str]] = {
    "api": ({"rate_limit_api": "2/1m"}, api_calls, "rate_limited"),
    "anonymous": ({"rate_limit_anonymous": "2/1m"}, anonymous_calls, "rate_limited"),
    "login": ({"rate_limit_login": "1/15m"}, logins, "rate_limited"),
    "dashboard_login": ({"rate_limit_login": "1/15m"}, dashboard_logins, "rate_limited"),
    "register": ({"rate_limit_register": "1/1h"}, registrations, "rate_limited"),
    "forgot_password": ({"rate_limit_forgot_password": "1/1h"}, forgot, "rate_limited"),
    "upload": ({"rate_limit_upload": "1/1h"}, uploads, "rate_limited"),
    "login_account": ({"rate_limit_login_account": "1/15m"}, account_logins, "rate_limited"),
    "claims": ({}, own_rejected_claims, "too_many_claims"),
    "intake": ({"intake_photos_per_hour": 1}, intake_budget, "intake_budget_exceeded"),
}


@pytest.mark.parametrize("name", SCENARIOS)
async def test_every_429_says_when_to_try_again(make_app: AppFactory, name: str) -> None:
    overrides, scenario, code = SCENARIOS[name]
    async with (
        make_app(rate_limit_enabled=True, **overrides) as app,
        asgi_client(app, "198.51.100.120") as client,
    ):
        refused = await scenario(app, client)
    assert refused.status_code == 429, refused.text
    assert refused.json()["code"] == code
    assert int(refused.headers["Retry-After"]) >= 1


def test_every_429_is_answered_through_the_one_error_class() -> None:
    """Nothing sets a 429 by hand: RateLimited requires its Retry-After."""
    answering = re.compile(r"status_code\s*=\s*429|HTTP_429|TOO_MANY_REQUESTS")
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if answering.search(line)
    ]
    assert [place.split(":")[0] for place in found] == ["core/errors.py"], found
