"""What the desk uses of the process's shared objects (the composition's Container provides
them)."""

from __future__ import annotations

from typing import Protocol

from mafqood.core.config import Settings
from mafqood.photos.screening import PhotoScreening
from mafqood.storage import Storage


class IntakeServices(Protocol):
    """What an intake stores its photos with."""

    @property
    def settings(self) -> Settings: ...
    @property
    def storage(self) -> Storage: ...
    @property
    def photo_screening(self) -> PhotoScreening: ...
