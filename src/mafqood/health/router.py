"""GET /health: every dependency is really probed, each with a short timeout."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
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


@router.get(
    "/health",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "A required service is down"}},
)
async def health(container: ProbedServicesDep) -> JSONResponse:
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
    return JSONResponse(body.model_dump(mode="json"), status_code=503 if required_down else 200)
