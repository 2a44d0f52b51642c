"""What a vision worker's analysis, and a report's submission in the API, use of the
process's shared objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from redis.asyncio import Redis

from mafqood.items.ports import PhotoServices
from mafqood.realtime.bus import EventBus
from mafqood.realtime.hub import ConnectionHub
from mafqood.storage import Storage
from mafqood.worker.ports import TaskServices

if TYPE_CHECKING:
    # API processes import this module (submission) and never import vision code.
    from mafqood.vision import VisionPipeline


class VisionServices(TaskServices, Protocol):
    @property
    def bus(self) -> EventBus: ...
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
