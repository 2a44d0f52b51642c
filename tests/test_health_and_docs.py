from __future__ import annotations

import httpx
import pytest
from redis.asyncio import Redis

from mafqood.composition.container import Container
from mafqood.core.config import Settings
from mafqood.core.embedded import free_port


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
