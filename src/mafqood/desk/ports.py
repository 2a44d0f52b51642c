"""What the desk uses of the process's shared objects (the composition's Container provides
them)."""

from __future__ import annotations

from typing import Protocol

from mafqood.items.ports import PhotoServices
from mafqood.ratelimit.limiter import RateLimiter


class IntakeServices(PhotoServices, Protocol):
    """What an intake stores its photos with, and counts them against the venue's budget."""

    @property
    def rate_limiter(self) -> RateLimiter: ...
