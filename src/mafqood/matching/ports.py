"""What a vision worker's analysis, and a report's submission in the API, use of the
process's shared objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker

from mafqood.core.config import Settings
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.ports import PhotoServices
from mafqood.realtime.bus import EventBus
from mafqood.realtime.hub import ConnectionHub
from mafqood.storage import Storage

if TYPE_CHECKING:
    # API processes import this module (submission) and never import vision code.
    from mafqood.vision import VisionPipeline


class VisionServices(Protocol):
    @property
    def bus(self) -> EventBus: ...
    @property
    def sessionmaker(self) -> async_sessionmaker[UnitOfWork]: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def storage(self) -> Storage: ...
    @property
    def vision(self) -> VisionPipeline: ...


class SubmissionServices(PhotoServices, Protocol):
    # The hub tells this process when a report's analysis ends; Redis holds the vision queue.
    @property
    def hub(self) -> ConnectionHub: ...
    @property
    def redis(self) -> Redis: ...
