"""What the health probes and the /metrics endpoint look at among the process's shared
objects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, Protocol

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from mafqood.core.config import Settings
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.storage import Storage

# What a probe answers: up or not, or for a service that can be on its way up, one of these.
ProbeResult = bool | Literal["starting", "down"]
Probe = Callable[[], Awaitable[ProbeResult]]


class ProbedServices(Protocol):
    @property
    def engine(self) -> AsyncEngine: ...
    @property
    def redis(self) -> Redis: ...
    @property
    def extra_probes(self) -> dict[str, tuple[Probe, bool]]: ...


class MetricsServices(ProbedServices, Protocol):
    @property
    def sessionmaker(self) -> async_sessionmaker[UnitOfWork]: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def storage(self) -> Storage: ...
