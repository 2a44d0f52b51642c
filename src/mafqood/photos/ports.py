"""What the housekeeping of stored photos uses of the process's shared objects."""

from __future__ import annotations

from typing import Protocol

from mafqood.storage import Storage
from mafqood.worker.ports import TaskServices


class PhotoStoreServices(TaskServices, Protocol):
    @property
    def storage(self) -> Storage: ...
