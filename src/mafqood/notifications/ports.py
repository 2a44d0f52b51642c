"""What notification delivery uses of the process's shared objects."""

from __future__ import annotations

from typing import Protocol

from mafqood.push import FcmClient
from mafqood.realtime.bus import EventBus
from mafqood.worker.ports import TaskServices


class DeliveryServices(TaskServices, Protocol):
    @property
    def bus(self) -> EventBus: ...


class PushDeliveryServices(DeliveryServices, Protocol):
    """A worker's delivery also pushes to phones (None: no credentials configured)."""

    @property
    def push(self) -> FcmClient | None: ...
