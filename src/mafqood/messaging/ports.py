"""What sending a message uses of the process's shared objects."""

from __future__ import annotations

from typing import Protocol

from mafqood.core.config import Settings
from mafqood.photos.screening import PhotoScreening
from mafqood.storage import Storage


class MessageServices(Protocol):
    @property
    def settings(self) -> Settings: ...
    @property
    def storage(self) -> Storage: ...
    @property
    def photo_screening(self) -> PhotoScreening: ...
