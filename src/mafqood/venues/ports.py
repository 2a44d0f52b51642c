"""What the venue workspace uses of the process's shared objects (the composition's
Container provides them)."""

from __future__ import annotations

from typing import Protocol

from mafqood.core.config import Settings
from mafqood.ratelimit.limiter import RateLimiter


class MembershipServices(Protocol):
    """What ending a membership tells beyond the database: the rate limiter, which stops
    giving the former member's tokens the desk limits."""

    @property
    def settings(self) -> Settings: ...
    @property
    def rate_limiter(self) -> RateLimiter: ...
