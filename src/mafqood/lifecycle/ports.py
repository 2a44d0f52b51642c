"""What the daily retention notice uses of the process's shared objects."""

from __future__ import annotations

from typing import Protocol

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker

from mafqood.core.unit_of_work import UnitOfWork


class NoticeServices(Protocol):
    @property
    def redis(self) -> Redis: ...
    @property
    def sessionmaker(self) -> async_sessionmaker[UnitOfWork]: ...
