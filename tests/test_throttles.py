"""Limits that hold against many addresses and through a Redis outage, and /metrics in
production."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from tests.conftest import AppFactory, asgi_client
from tests.factories import PASSWORD, register

LIMITS = {"rate_limit_enabled": True}
HOME = "198.51.100.200"  # where the owner registered (and so signed in) from
ATTACKERS = [f"203.0.113.{number}" for number in range(1, 9)]


async def login(
    app: FastAPI, ip: str, email: str, password: str = "Wrong-pass-1"
) -> httpx.Response:
    async with asgi_client(app, ip) as client:
        return await client.post("/auth/login", json={"email": email, "password": password})


def assert_refused(response: httpx.Response, window_seconds: int) -> None:
    assert response.status_code == 429, response.text
    assert 0 < int(response.headers["Retry-After"]) <= window_seconds
    body = response.json()
    assert body["code"] == "rate_limited" and body["message"] == body["detail"]
    assert body["request_id"] == response.headers["X-Request-ID"]


async def guess_from_eight_addresses(app: FastAPI, email: str) -> list[httpx.Response]:
    return [await login(app, ip, email) for ip in ATTACKERS for _ in range(2)]


async def test_wrong_passwords_from_many_addresses_pause_the_account_not_its_owner(
    make_app: AppFactory,
) -> None:
    async with make_app(**LIMITS) as app, asgi_client(app, HOME) as home:
        owner = await register(home)
        answers = await guess_from_eight_addresses(app, owner.email)
        # 10 failures per 15 minutes per account, whichever addresses they come from.
        assert [answer.status_code for answer in answers] == [401] * 10 + [429] * 6
        for refused in answers[10:]:
            assert_refused(refused, 15 * 60)
        # The same answers for an email without an account: nothing tells them apart.
        ghost = await guess_from_eight_addresses(app, "ghost@example.com")
        assert [answer.status_code for answer in ghost] == [401] * 10 + [429] * 6
        assert {answer.json()["code"] for answer in ghost[10:]} == {"rate_limited"}
        # Even the right password waits on a new address; the owner's own address signs in.
        assert_refused(await login(app, "203.0.113.99", owner.email, PASSWORD), 15 * 60)
        assert (await login(app, HOME, owner.email, PASSWORD)).status_code == 200
        # The owner was told, once.
        inbox = await home.get("/api/v1/notifications", headers=owner.headers)
        [notice] = inbox.json()["notifications"]
        assert notice["type"] == "system" and notice["title"] == "Sign-in attempts paused"
        assert "10 times" in notice["message"]


async def test_the_pause_ends_with_its_window(make_app: AppFactory) -> None:
    async with (
        make_app(**LIMITS, rate_limit_login_account="2/5s") as app,
        asgi_client(app, HOME) as home,
    ):
        owner = await register(home)
        assert (await login(app, ATTACKERS[0], owner.email)).status_code == 401
        assert (await login(app, ATTACKERS[1], owner.email)).status_code == 401
        refused = await login(app, "203.0.113.99", owner.email, PASSWORD)
        assert_refused(refused, 5)
        await asyncio.sleep(int(refused.headers["Retry-After"]))
        assert (await login(app, "203.0.113.99", owner.email, PASSWORD)).status_code == 200


async def test_login_and_registration_stay_limited_while_redis_is_unreachable(
    make_app: AppFactory,
) -> None:
    async with (
        make_app(**LIMITS, redis_url="redis://127.0.0.1:1/0") as app,
        asgi_client(app, HOME) as home,
    ):
        owner = await register(home)
        # Per address: 5 per 15 minutes, counted in the process.
        for _ in range(5):
            assert (await login(app, ATTACKERS[0], owner.email)).status_code == 401
        assert_refused(await login(app, ATTACKERS[0], owner.email, PASSWORD), 15 * 60)
        # Per account: 10 failures, whichever addresses they come from.
        for ip in ATTACKERS[1:6]:
            assert (await login(app, ip, owner.email)).status_code == 401
        assert_refused(await login(app, ATTACKERS[7], owner.email, PASSWORD), 15 * 60)
        # Registration: 3 per hour per address.
        for _ in range(2):
            await register(home)
        refused = await home.post(
            "/auth/register",
            json={"email": "late@example.com", "password": PASSWORD, "full_name": "Late"},
        )
        assert_refused(refused, 3600)


async def test_forgot_password_is_limited_per_address(make_app: AppFactory) -> None:
    async with make_app(**LIMITS) as app, asgi_client(app, HOME) as client:
        for _ in range(5):
            answer = await client.post("/auth/forgot-password", json={"email": "a@example.com"})
            assert answer.status_code == 200
        refused = await client.post("/auth/forgot-password", json={"email": "b@example.com"})
        assert_refused(refused, 3600)


async def test_metrics_in_production_need_the_token(make_app: AppFactory) -> None:
    async with make_app(environment="production") as app, asgi_client(app) as client:
        refused = await client.get("/metrics")
        assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    async with (
        make_app(environment="production", metrics_token="scrape-secret") as app,
        asgi_client(app) as client,
    ):
        assert (await client.get("/metrics")).status_code == 401
        scraped = await client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert scraped.status_code == 200
