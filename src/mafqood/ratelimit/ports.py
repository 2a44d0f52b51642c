"""What the rate-limit middleware uses of the process's shared objects."""

from __future__ import annotations

from typing import Protocol

from mafqood.auth.tokens import TokenService
from mafqood.ratelimit.limiter import RateLimiter


class LimitServices(Protocol):
    @property
    def rate_limiter(self) -> RateLimiter: ...
    @property
    def tokens(self) -> TokenService: ...
