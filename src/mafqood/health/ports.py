"""What the health probes look at among the process's shared objects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine


class ProbedServices(Protocol):
    @property
    def engine(self) -> AsyncEngine: ...
    @property
    def redis(self) -> Redis: ...
    @property
    def extra_probes(self) -> dict[str, tuple[Callable[[], Awaitable[bool]], bool]]: ...
