"""What the rate-limit middleware uses of the process's shared objects."""

from __future__ import annotations

from typing import Protocol

from mafqood.ratelimit.limiter import RateLimiter
from mafqood.users.tokens import TokenService


class LimitServices(Protocol):
    @property
    def rate_limiter(self) -> RateLimiter: ...
    @property
    def tokens(self) -> TokenService: ...
