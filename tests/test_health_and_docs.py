from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest
from redis.asyncio import Redis

from mafqood.cli import api_processes
from mafqood.composition.container import Container
from mafqood.core.config import Settings
from mafqood.core.embedded import free_port
from mafqood.main import create_app
from mafqood.worker.listeners import QueueListeners
from tests.conftest import Servers, make_settings
from tests.workers import WorkerProcess, running


async def test_health_probes_each_service(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["version"] == "1.0.0" and body["timestamp"]
    assert body["services"]["database"] == "healthy"
    assert body["services"]["redis"] == "healthy"


async def test_health_is_503_when_redis_is_down(
    client: httpx.AsyncClient, container: Container
) -> None:
    real = container.redis
    container.redis = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_timeout=0.5)
    try:
        response = await client.get("/health")
    finally:
        await container.redis.aclose()
        container.redis = real
    assert response.status_code == 503
    assert response.json()["status"] == "unhealthy"
    assert response.json()["services"]["redis"] == "unhealthy"


async def test_health_reuses_its_answer_briefly_and_still_reports_a_failure_in_time(
    servers: Servers,
) -> None:
    """With HEALTH_CACHE_SECONDS=1, twenty callers at once share one round of probes, and a
    dependency that fails shows up within the period (plus the probe's own timeout)."""
    app = create_app(make_settings(servers, health_cache_seconds=1.0))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answers = await asyncio.gather(*(client.get("/health") for _ in range(20)))
            assert {a.status_code for a in answers} == {200}
            assert len({a.json()["timestamp"] for a in answers}) == 1

            container: Container = app.state.container
            real = container.redis
            container.redis = Redis.from_url(
                f"redis://127.0.0.1:{free_port()}/0", socket_timeout=0.5
            )
            broken_at = time.monotonic()
            try:
                while (response := await client.get("/health")).status_code == 200:
                    assert time.monotonic() - broken_at < 1.0 + 2.0
                    await asyncio.sleep(0.05)
            finally:
                await container.redis.aclose()
                container.redis = real
            assert time.monotonic() - broken_at < 1.0 + 2.0 + 0.5
            assert response.status_code == 503
            assert response.json()["services"]["redis"] == "unhealthy"


async def test_docs_are_served(client: httpx.AsyncClient) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert (await client.get(path)).status_code == 200
    schema = (await client.get("/openapi.json")).json()
    assert "/auth/register" in schema["paths"]
    register = schema["paths"]["/auth/register"]["post"]
    assert "201" in register["responses"] and "409" in register["responses"]


def test_production_refuses_to_start_without_a_secret() -> None:
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(_env_file=None, environment="production")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(_env_file=None, environment="production", secret_key="short")  # type: ignore[call-arg]
    ok = Settings(_env_file=None, environment="production", secret_key="k" * 40)  # type: ignore[call-arg]
    assert ok.signing_key() == "k" * 40


def test_development_secret_is_generated_once(tmp_path: object) -> None:
    from pathlib import Path

    data_dir = Path(str(tmp_path))
    first = Settings(_env_file=None, data_dir=data_dir).signing_key()  # type: ignore[call-arg]
    second = Settings(_env_file=None, data_dir=data_dir).signing_key()  # type: ignore[call-arg]
    assert first == second and len(first) >= 32


async def test_health_says_whether_vision_workers_listen(
    client: httpx.AsyncClient, container: Container, vision_worker: WorkerProcess
) -> None:
    """The session's real vision worker answers Celery's inspection: healthy. A queue nobody
    consumes: "starting" while the process is young, then "down"; reports are taken all the
    while, so the service stays up (200), healthy while starting, degraded once down."""
    await running(vision_worker, container)
    container.vision_listeners.forget()
    assert await container.vision_workers() is True
    body = (await client.get("/health")).json()
    assert body["services"]["ai_worker"] == "healthy" and body["status"] == "healthy"

    real = container.vision_listeners, container.started_at, container.vision_seen
    container.vision_listeners = QueueListeners(
        lambda: container.tasks.celery, f"nobody-listens-{uuid.uuid4()}"
    )
    try:
        container.started_at, container.vision_seen = time.monotonic(), False
        response = await client.get("/health")
        assert response.status_code == 200
        assert response.json()["services"]["ai_worker"] == "starting"
        assert response.json()["status"] == "healthy"

        container.started_at -= container.settings.vision_start_grace_seconds + 1
        response = await client.get("/health")
        assert response.status_code == 200
        assert response.json()["services"]["ai_worker"] == "down"
        assert response.json()["status"] == "degraded"

        # A worker seen once and gone is down at once, however young the process.
        container.started_at, container.vision_seen = time.monotonic(), True
        assert (await client.get("/health")).json()["services"]["ai_worker"] == "down"
    finally:
        container.vision_listeners, container.started_at, container.vision_seen = real


async def test_vision_inspection_is_cached(container: Container) -> None:
    listeners = QueueListeners(lambda: container.tasks.celery, "vision", timeout=0.5)
    started = time.monotonic()
    counts = await asyncio.gather(*(listeners.count() for _ in range(5)))
    assert len(set(counts)) == 1
    assert time.monotonic() - started < 1.5  # one question for all five
    started = time.monotonic()
    assert await listeners.count() == counts[0]
    assert time.monotonic() - started < 0.1  # from the cache


def test_serve_runs_one_api_process_per_core_unless_told() -> None:
    assert api_processes(0, 2) == 2
    assert api_processes(0, 16) == 16
    assert api_processes(0, 1) == 1
    assert api_processes(0, None) == 1
    assert api_processes(3, 2) == 3
    assert Settings(_env_file=None).api_workers == 0  # type: ignore[call-arg]
