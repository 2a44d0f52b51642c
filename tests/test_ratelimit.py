"""Abuse limits with the spec's numbers, counted in Redis and shared by every API process."""

from __future__ import annotations

import asyncio
import ipaddress
import uuid

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import select

from mafqood.audit.models import AuditLog
from mafqood.composition.container import Container
from mafqood.core.middleware import forwarded_client
from mafqood.core.rates import Rate, parse_rate
from mafqood.ratelimit.limiter import RateLimiter
from mafqood.venues.models import VenueMember
from tests import images
from tests.conftest import AppFactory, Servers, asgi_client
from tests.factories import PASSWORD, Account, register
from tests.venues.helpers import add_member, create_venue

SPEC = {"rate_limit_enabled": True}  # the defaults are the spec's limits


def assert_limited(response: httpx.Response, window_seconds: int) -> None:
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= window_seconds
    assert retry_after > window_seconds - 30  # the first hit of the window was just now
    body = response.json()
    assert body["code"] == "rate_limited"
    assert body["message"] and body["detail"] == body["message"]
    assert body["request_id"] == response.headers["X-Request-ID"]


async def login(client: httpx.AsyncClient, email: str, password: str = "Wrong-pass-1") -> int:
    response = await client.post("/auth/login", json={"email": email, "password": password})
    return response.status_code


async def test_login_allows_five_attempts_per_fifteen_minutes_per_ip(
    make_app: AppFactory,
) -> None:
    async with make_app(**SPEC) as app, asgi_client(app, "198.51.100.10") as client:
        account = await register(client)
        for _ in range(4):
            assert await login(client, account.email) == 401
        # The fifth attempt is still allowed, and a right password works.
        assert await login(client, account.email, PASSWORD) == 200
        refused = await client.post(
            "/auth/login", json={"email": account.email, "password": PASSWORD}
        )
        assert_limited(refused, 15 * 60)
        arabic = await client.post(
            "/auth/login",
            json={"email": account.email, "password": PASSWORD},
            headers={"Accept-Language": "ar"},
        )
        assert arabic.status_code == 429 and arabic.json()["message"].startswith("طلبات")
        # Another address has its own budget.
        async with asgi_client(app, "198.51.100.11") as other:
            assert await login(other, account.email, PASSWORD) == 200


async def test_registration_allows_three_per_hour_per_ip(make_app: AppFactory) -> None:
    async with make_app(**SPEC) as app, asgi_client(app, "198.51.100.20") as client:
        for _ in range(3):
            await register(client)
        refused = await client.post(
            "/auth/register",
            json={"email": "late@example.com", "password": PASSWORD, "full_name": "Late"},
        )
        assert_limited(refused, 3600)
        async with asgi_client(app, "198.51.100.21") as other:
            await register(other)


async def test_api_calls_allow_one_hundred_per_minute_per_user(make_app: AppFactory) -> None:
    async with make_app(**SPEC) as app, asgi_client(app, "198.51.100.30") as client:
        first, second = await register(client), await register(client)
        for number in range(100):
            response = await client.get("/auth/users/me", headers=first.headers)
            assert response.status_code == 200, number
            assert response.headers["X-RateLimit-Limit"] == "100"
        assert response.headers["X-RateLimit-Remaining"] == "0"
        assert_limited(await client.get("/auth/users/me", headers=first.headers), 60)
        # Per user, not per address: the other user from the same address is served.
        assert (await client.get("/auth/users/me", headers=second.headers)).status_code == 200


async def test_uploads_allow_ten_per_hour_per_user(make_app: AppFactory) -> None:
    async with make_app(**SPEC) as app, asgi_client(app, "198.51.100.40") as client:
        uploader, other = await register(client), await register(client)

        async def upload(account_headers: dict[str, str], seed: int) -> httpx.Response:
            return await client.post(
                "/api/v1/upload/image",
                files={"image": ("p.jpg", images.jpeg(seed=seed, size=(64, 48)), "image/jpeg")},
                headers=account_headers,
            )

        for seed in range(10):
            assert (await upload(uploader.headers, seed)).status_code == 201
        assert_limited(await upload(uploader.headers, 99), 3600)
        # Reports with photos count against the same budget.
        report = await client.post(
            "/api/v1/lost",
            data={"title": "x"},
            files={"image": ("p.jpg", b"x")},
            headers=uploader.headers,
        )
        assert report.status_code == 429
        # So do reports without a photo.
        described = await client.post(
            "/api/v1/lost/described", data={"title": "x"}, headers=uploader.headers
        )
        assert_limited(described, 3600)
        assert (await upload(other.headers, 100)).status_code == 201
        # Other calls of the uploader are not uploads.
        assert (await client.get("/auth/users/me", headers=uploader.headers)).status_code == 200


async def test_limits_are_shared_between_two_app_instances(make_app: AppFactory) -> None:
    async with (
        make_app(**SPEC) as first_app,
        make_app(**SPEC) as second_app,
        asgi_client(first_app, "198.51.100.50") as first,
        asgi_client(second_app, "198.51.100.50") as second,
    ):
        first_container: Container = first_app.state.container
        second_container: Container = second_app.state.container
        assert first_container.redis is not second_container.redis
        account = await register(first)
        for client in (first, second, first, second, first):
            assert await login(client, account.email) == 401
        assert_limited(
            await second.post("/auth/login", json={"email": account.email, "password": PASSWORD}),
            900,
        )
        assert_limited(
            await first.post("/auth/login", json={"email": account.email, "password": PASSWORD}),
            900,
        )


async def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(
    make_app: AppFactory, container: Container
) -> None:
    # Not trusted: every spoofed X-Forwarded-For still counts against the peer's address.
    async with make_app(**SPEC) as app, asgi_client(app, "198.51.100.60") as client:
        for _ in range(3):
            await register(client)
        spoofed = await client.post(
            "/auth/register",
            json={"email": "spoof@example.com", "password": PASSWORD, "full_name": "S"},
            headers={"X-Forwarded-For": "192.0.2.99"},
        )
        assert spoofed.status_code == 429
    # Trusted proxy (10.0.0.0/8): each forwarded client address has its own budget, and the
    # address the client wrote itself (left of the proxy's entry) is not believed.
    async with (
        make_app(**SPEC, trusted_proxies=["10.0.0.0/8"]) as app,
        asgi_client(app, "10.1.2.3") as proxy,
    ):
        for client_ip in ("192.0.2.1", "192.0.2.2"):
            for _ in range(3):
                response = await proxy.post(
                    "/auth/register",
                    json={
                        "email": f"u{_}-{client_ip}@example.com",
                        "password": PASSWORD,
                        "full_name": "P",
                    },
                    headers={"X-Forwarded-For": f"203.0.113.250, {client_ip}"},
                )
                assert response.status_code == 201, response.text
        refused = await proxy.post(
            "/auth/register",
            json={"email": "fourth@example.com", "password": PASSWORD, "full_name": "P"},
            headers={"X-Forwarded-For": "203.0.113.251, 192.0.2.1"},
        )
        assert refused.status_code == 429
    async with container.sessionmaker() as session:
        addresses = set(
            (
                await session.execute(
                    select(AuditLog.ip_address).where(AuditLog.action == "register")
                )
            ).scalars()
        )
    assert {str(address) for address in addresses} == {"198.51.100.60", "192.0.2.1", "192.0.2.2"}


def test_forwarded_client_walks_from_the_nearest_hop() -> None:
    trusted = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("127.0.0.1/32")]
    assert forwarded_client("198.51.100.1", "192.0.2.1", trusted) == "198.51.100.1"
    assert forwarded_client("10.0.0.1", "192.0.2.1", trusted) == "192.0.2.1"
    assert forwarded_client("10.0.0.1", "6.6.6.6, 192.0.2.1, 10.0.0.2", trusted) == "192.0.2.1"
    assert forwarded_client("10.0.0.1", "", trusted) == "10.0.0.1"
    assert forwarded_client("10.0.0.1", "not-an-ip", trusted) == "10.0.0.1"
    assert forwarded_client("10.0.0.1", "10.0.0.3", trusted) == "10.0.0.3"


async def test_anonymous_calls_are_limited_per_address(make_app: AppFactory) -> None:
    async with (
        make_app(**SPEC, rate_limit_anonymous="3/1m") as app,
        asgi_client(app, "198.51.100.70") as client,
    ):
        for _ in range(3):
            assert (await client.get("/api/v1/items")).status_code == 200
        assert_limited(await client.get("/api/v1/items"), 60)
        # Probes and scrapes are not limited.
        assert (await client.get("/health")).status_code == 200
        assert (await client.get("/metrics")).status_code == 200


async def test_a_rule_can_be_switched_off_and_all_limits_disabled(
    make_app: AppFactory, app: FastAPI, client: httpx.AsyncClient
) -> None:
    async with (
        make_app(**SPEC, rate_limit_register="off") as limited,
        asgi_client(limited, "198.51.100.80") as other,
    ):
        for _ in range(5):
            await register(other)
    # The suite's own app runs with limits disabled.
    for _ in range(6):
        assert await login(client, "nobody@example.com") == 401


async def test_the_window_slides_and_redis_outage_lets_requests_through(
    servers: Servers,
) -> None:
    redis = Redis.from_url(servers.redis_url)
    limiter = RateLimiter(redis)
    rate = Rate(2, 1)
    assert (await limiter.hit("t", "a", rate)).allowed
    assert (await limiter.hit("t", "a", rate)).allowed
    refused = await limiter.hit("t", "a", rate)
    assert not refused.allowed and refused.retry_after_seconds == 1
    await asyncio.sleep(1.05)
    assert (await limiter.hit("t", "a", rate)).allowed
    await redis.aclose()
    down = RateLimiter(Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2))
    assert (await down.hit("t", "a", rate)).allowed


def test_rate_parsing() -> None:
    assert parse_rate("5/15m") == Rate(5, 900)
    assert parse_rate("3/1h") == Rate(3, 3600)
    assert parse_rate("100/m") == Rate(100, 60)
    assert parse_rate("off") is None
    with pytest.raises(ValueError):
        parse_rate("five per minute")


async def test_an_exhausted_connection_pool_answers_503_at_once(make_app: AppFactory) -> None:
    async with (
        make_app(db_pool_size=1, db_max_overflow=0, db_pool_timeout_seconds=0.3) as app,
        asgi_client(app) as client,
    ):
        container: Container = app.state.container
        async with container.engine.connect() as held:  # the only connection
            await held.exec_driver_sql("SELECT 1")
            busy = await client.get("/api/v1/items", headers={"Accept-Language": "ar"})
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "5"
        assert busy.json()["code"] == "service_busy" and busy.json()["request_id"]
        assert (await client.get("/api/v1/items")).status_code == 200
        metrics = (await client.get("/metrics")).text
        assert "mafqood_overload_rejections_total" in metrics


async def test_venue_desks_get_their_own_limits(make_app: AppFactory) -> None:
    """A member of a venue works a desk all day: from their next token on, the desk limits
    apply. Saying `is_venue` at registration grants nothing."""
    limits = {**SPEC, "rate_limit_api": "3/1m", "rate_limit_desk_api": "6/1m"}
    async with make_app(**limits) as app, asgi_client(app, "198.51.100.70") as client:
        claims_to_be = await register(client, is_venue=True)
        phone = await client.get("/api/v1/venues", headers=claims_to_be.headers)
        assert phone.headers["X-RateLimit-Limit"] == "3"

        member = await register(client)
        created = await client.post(
            "/api/v1/venues",
            json={
                "name": "Terminal 3",
                "location": "Terminal 3",
                "location_type": "airport",
                "latitude": 25.25,
                "longitude": 55.36,
            },
            headers=member.headers,
        )
        assert created.status_code == 201, created.text
        signed = await client.post(
            "/auth/login", json={"email": member.email, "password": PASSWORD}
        )
        desk = {"Authorization": f"Bearer {signed.json()['token']}"}
        answers = [await client.get("/api/v1/venues", headers=desk) for _ in range(5)]
        assert [a.status_code for a in answers] == [200] * 5  # 6 calls with the creation
        assert answers[0].headers["X-RateLimit-Limit"] == "6"
        assert_limited(await client.get("/api/v1/venues", headers=desk), 60)


async def test_a_removed_member_gets_ordinary_limits_at_once(make_app: AppFactory) -> None:
    """The desk claim of a removed member's token stops counting with their next request,
    not when the token expires; a member of another venue keeps it."""
    limits = {**SPEC, "rate_limit_api": "3/1m", "rate_limit_desk_api": "50/1m"}
    async with make_app(**limits) as app, asgi_client(app, "198.51.100.71") as client:
        container: Container = app.state.container
        owner = await register(client)
        venue = await create_venue(client, owner)
        second = await create_venue(client, owner, name="Terminal 1")
        leaving = await add_member(client, container, venue["id"])
        staying = await add_member(client, container, venue["id"])
        await add_member_of(container, second["id"], staying.id)

        async def desk_token(account: Account) -> dict[str, str]:
            signed = await client.post(
                "/auth/login", json={"email": account.email, "password": PASSWORD}
            )
            return {"Authorization": f"Bearer {signed.json()['token']}"}

        leaving_desk, staying_desk = await desk_token(leaving), await desk_token(staying)
        for headers in (leaving_desk, staying_desk):
            answer = await client.get("/api/v1/venues", headers=headers)
            assert answer.headers["X-RateLimit-Limit"] == "50"
        owner_desk = await desk_token(owner)
        for account in (leaving, staying):
            path = f"/api/v1/venues/{venue['id']}/members/{account.id}"
            assert (await client.delete(path, headers=owner_desk)).status_code == 204

        # Same token: the ordinary limit (3 a minute, one already used) applies at once.
        answers = [await client.get("/auth/users/me", headers=leaving_desk) for _ in range(2)]
        assert [a.status_code for a in answers] == [200, 200]
        assert answers[0].headers["X-RateLimit-Limit"] == "3"
        assert_limited(await client.get("/auth/users/me", headers=leaving_desk), 60)
        # Still a member of the other venue: still the desk's limits.
        kept = await client.get("/auth/users/me", headers=staying_desk)
        assert kept.headers["X-RateLimit-Limit"] == "50"
        # Back in a venue: the next sign-in's token has the desk limits again.
        await add_member_of(container, second["id"], leaving.id)
        await asyncio.sleep(1.1)  # a token of the second the membership ended counts as older
        again = await client.get("/auth/users/me", headers=await desk_token(leaving))
        assert again.headers["X-RateLimit-Limit"] == "50"


async def add_member_of(container: Container, venue_id: str, user_id: str) -> None:
    async with container.sessionmaker() as session:
        session.add(
            VenueMember(venue_id=uuid.UUID(venue_id), user_id=uuid.UUID(user_id), role="staff")
        )
        await session.commit()
