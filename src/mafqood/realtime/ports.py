"""What the WebSocket endpoint uses of the process's shared objects."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import async_sessionmaker

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.realtime.hub import ConnectionHub
from mafqood.users.tokens import TokenService


class SocketServices(Protocol):
    @property
    def tokens(self) -> TokenService: ...
    @property
    def sessionmaker(self) -> async_sessionmaker[UnitOfWork]: ...
    @property
    def hub(self) -> ConnectionHub: ...
