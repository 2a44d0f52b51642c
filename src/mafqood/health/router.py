"""GET /health: every dependency is really probed, each with a short timeout; an answer is
reused for HEALTH_CACHE_SECONDS within a process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import text

from mafqood import __version__
from mafqood.core.web import process_container
from mafqood.health.ports import Probe, ProbedServices

ProbedServicesDep = Annotated[ProbedServices, Depends(process_container)]

router = APIRouter(tags=["health"])

# "starting" and "down" are for the vision workers ("ai_worker"): none listens on their queue
# yet, or none any more.
ServiceStatus = Literal["healthy", "unhealthy", "disabled", "starting", "down"]
PROBE_TIMEOUT_S = 2.0


class HealthOut(BaseModel):
    status: Literal["healthy", "degraded", "unhealthy"]
    version: str
    timestamp: datetime
    services: dict[str, ServiceStatus]


async def _database(container: ProbedServices) -> bool:
    async with container.engine.connect() as connection:
        return (await connection.execute(text("SELECT 1"))).scalar() == 1


async def _redis(container: ProbedServices) -> bool:
    return bool(await container.redis.ping())


def probes(container: ProbedServices) -> dict[str, tuple[Probe, bool]]:
    """name -> (probe, required). Optional services degrade the status instead of failing it."""
    found: dict[str, tuple[Probe, bool]] = {
        "database": (lambda: _database(container), True),
        "redis": (lambda: _redis(container), True),
    }
    for name, (probe, required) in container.extra_probes.items():
        found[name] = (probe, required)
    return found


async def _run(probe: Probe) -> ServiceStatus:
    try:
        result = await asyncio.wait_for(probe(), PROBE_TIMEOUT_S)
    except Exception:
        return "unhealthy"
    if isinstance(result, str):
        return result
    return "healthy" if result else "unhealthy"


async def probe_all(container: ProbedServices) -> dict[str, ServiceStatus]:
    """Every probe at once, each within its timeout."""
    checks = probes(container)
    results = await asyncio.gather(*(_run(probe) for probe, _ in checks.values()))
    return dict(zip(checks, results, strict=True))


class HealthCache:
    """The last /health answer of one API process, reused for a short while: monitors and load
    balancers calling often cost one round of probes per period, and callers arriving while a
    round runs wait for it instead of starting their own."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._answer: tuple[float, bytes, int] | None = None
        self._lock = asyncio.Lock()

    def _fresh(self) -> tuple[bytes, int] | None:
        if self._answer is None or time.monotonic() >= self._answer[0]:
            return None
        return self._answer[1], self._answer[2]

    async def answer(self, probe: Callable[[], Awaitable[tuple[bytes, int]]]) -> tuple[bytes, int]:
        if self.seconds <= 0:
            return await probe()
        fresh = self._fresh()
        if fresh is not None:
            return fresh
        async with self._lock:
            fresh = self._fresh()
            if fresh is not None:
                return fresh
            body, status_code = await probe()
            # The period counts from the end of the probes: a slow round is not reused for less.
            self._answer = (time.monotonic() + self.seconds, body, status_code)
            return body, status_code


async def _probed_answer(container: ProbedServices) -> tuple[bytes, int]:
    checks = probes(container)
    services = await probe_all(container)
    required_down = any(
        services[name] != "healthy" for name, (_, required) in checks.items() if required
    )
    # A service on its way up ("starting") leaves the status as it is: reports are taken
    # meanwhile, their matches come a little later.
    optional_down = any(value in ("unhealthy", "down") for value in services.values())
    overall = "unhealthy" if required_down else ("degraded" if optional_down else "healthy")
    body = HealthOut(
        status=overall, version=__version__, timestamp=datetime.now(UTC), services=services
    )
    rendered = JSONResponse(body.model_dump(mode="json"))
    return bytes(rendered.body), 503 if required_down else 200


@router.get(
    "/health",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "A required service is down"}},
)
async def health(request: Request, container: ProbedServicesDep) -> Response:
    state = request.app.state
    cache: HealthCache | None = getattr(state, "health_cache", None)
    if cache is None:
        cache = state.health_cache = HealthCache(state.settings.health_cache_seconds)
    # The timestamp says when the services were probed.
    body, status_code = await cache.answer(lambda: _probed_answer(container))
    return Response(body, status_code=status_code, media_type="application/json")
