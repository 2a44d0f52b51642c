"""What notification delivery uses of the process's shared objects."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import async_sessionmaker

from mafqood.core.config import Settings
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.push import FcmClient
from mafqood.realtime.bus import EventBus


class DeliveryServices(Protocol):
    @property
    def bus(self) -> EventBus: ...
    @property
    def sessionmaker(self) -> async_sessionmaker[UnitOfWork]: ...
    @property
    def settings(self) -> Settings: ...


class PushDeliveryServices(DeliveryServices, Protocol):
    """A worker's delivery also pushes to phones (None: no credentials configured)."""

    @property
    def push(self) -> FcmClient | None: ...
