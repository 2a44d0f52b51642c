"""HTTP hygiene: security headers, CORS from configuration, body size limits, request ids, no
stack traces to clients, and DELETE /api/reset only in development/test and only for admins."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, update

from mafqood.audit.models import AuditLog
from mafqood.composition.container import Container
from mafqood.items.models import Item
from mafqood.users.models import User
from tests.conftest import TEST_SECRET, AppFactory, asgi_client
from tests.factories import create_item, register


async def test_security_headers_on_every_answer(client: httpx.AsyncClient) -> None:
    for response in (
        await client.get("/health"),
        await client.get("/api/v1/items/not-a-uuid"),
        await client.post("/auth/login", json={}),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert "Strict-Transport-Security" not in response.headers  # only in production
        assert "Cache-Control" not in response.headers
    # The interactive docs load their assets from a CDN, so no CSP there.
    docs = await client.get("/docs")
    assert docs.status_code == 200 and "Content-Security-Policy" not in docs.headers
    # Answers to signed-in requests are never cached.
    account = await register(client)
    me = await client.get("/auth/users/me", headers=account.headers)
    assert me.headers["Cache-Control"] == "no-store"


async def test_request_ids_in_responses_and_error_bodies(client: httpx.AsyncClient) -> None:
    given = await client.get(
        "/api/v1/items/00000000-0000-0000-0000-000000000000", headers={"X-Request-ID": "trace-123"}
    )
    assert given.headers["X-Request-ID"] == "trace-123"
    assert given.json()["request_id"] == "trace-123"
    unsafe = await client.get("/health", headers={"X-Request-ID": "bad id\n<script>"})
    assert len(unsafe.headers["X-Request-ID"]) == 32  # replaced by a generated one


async def test_cors_only_for_configured_origins(
    make_app: AppFactory, client: httpx.AsyncClient
) -> None:
    plain = await client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in plain.headers
    origin = "https://app.mafqood.ae"
    async with make_app(cors_origins=origin) as app, asgi_client(app) as browser:
        preflight = await browser.options(
            "/auth/login",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == origin
        answer = await browser.get("/health", headers={"Origin": origin})
        assert answer.headers["access-control-allow-origin"] == origin
        assert "X-Request-ID" in answer.headers["access-control-expose-headers"]
        evil = await browser.options(
            "/auth/login",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert evil.status_code == 400
        assert "access-control-allow-origin" not in evil.headers


async def test_json_bodies_are_limited(client: httpx.AsyncClient) -> None:
    huge = '{"email": "a@b.c", "password": "' + "x" * (1024 * 1024 + 10) + '"}'
    response = await client.post(
        "/auth/login", content=huge, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"x" * 65536

    streamed = await client.post(
        "/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413


async def test_unexpected_errors_reveal_no_internals(make_app: AppFactory) -> None:
    async with make_app() as app:

        async def explode() -> None:
            raise RuntimeError("database password is hunter2")

        app.add_api_route("/explode", explode)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/explode", headers={"Accept-Language": "ar"})
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal_error" and body["request_id"]
    assert "hunter2" not in response.text and "Traceback" not in response.text
    assert "RuntimeError" not in response.text


async def test_reset_is_for_admins_in_development_and_test_only(
    client: httpx.AsyncClient, container: Container, make_app: AppFactory
) -> None:
    user, admin = await register(client), await register(client)
    await create_item(client, user, "lost")
    assert (await client.delete("/api/reset")).status_code == 401
    forbidden = await client.delete("/api/reset", headers=user.headers)
    assert forbidden.status_code == 403
    async with container.sessionmaker() as session:
        await session.execute(
            update(User).where(User.id == uuid.UUID(admin.id)).values(is_admin=True)
        )
        await session.commit()
    done = await client.delete("/api/reset", headers=admin.headers)
    assert done.status_code == 200
    assert done.json() == {"message": "Database reset successfully"}
    async with container.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0
        assert await session.scalar(select(func.count()).select_from(Item)) == 0
        [record] = (await session.execute(select(AuditLog))).scalars().all()
        assert record.action == "database_reset" and str(record.entity_id) == admin.id

    async with (
        make_app(environment="production", secret_key=TEST_SECRET) as production,
        asgi_client(production) as prod_client,
    ):
        admin_again = await register(prod_client)
        async with container.sessionmaker() as session:
            await session.execute(update(User).values(is_admin=True))
            await session.commit()
        refused = await prod_client.delete("/api/reset", headers=admin_again.headers)
        assert refused.status_code in (404, 405)
        schema = (await prod_client.get("/openapi.json")).json()
        assert "/api/reset" not in schema["paths"]
        health = await prod_client.get("/health")
        assert health.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_suite_app_is_a_test_app(app: FastAPI) -> None:
    assert app.state.settings.environment == "test"
