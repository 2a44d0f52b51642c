"""What the desk uses of the process's shared objects (the composition's Container provides
them)."""

from __future__ import annotations

from typing import Protocol

from mafqood.core.config import Settings
from mafqood.photos.screening import PhotoScreening
from mafqood.ratelimit.limiter import RateLimiter
from mafqood.storage import Storage


class IntakeServices(Protocol):
    """What an intake stores its photos with, and counts them against the venue's budget."""

    @property
    def settings(self) -> Settings: ...
    @property
    def storage(self) -> Storage: ...
    @property
    def photo_screening(self) -> PhotoScreening: ...
    @property
    def rate_limiter(self) -> RateLimiter: ...
