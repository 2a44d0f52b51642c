"""What the /metrics endpoint reads among the process's shared objects."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import async_sessionmaker

from mafqood.core.config import Settings
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.health.ports import ProbedServices
from mafqood.storage import Storage


class MetricsServices(ProbedServices, Protocol):
    @property
    def sessionmaker(self) -> async_sessionmaker[UnitOfWork]: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def storage(self) -> Storage: ...
