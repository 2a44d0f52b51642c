"""What the auth package uses of the process's shared objects (the composition's Container
provides them)."""

from __future__ import annotations

from typing import Protocol

from mafqood.auth.passwords import PasswordHasher
from mafqood.auth.tokens import TokenService
from mafqood.core.config import Settings
from mafqood.ratelimit.limiter import RateLimiter
from mafqood.ratelimit.rules import Rules
from mafqood.realtime.bus import EventBus


class AuthServices(Protocol):
    @property
    def settings(self) -> Settings: ...
    @property
    def tokens(self) -> TokenService: ...
    @property
    def passwords(self) -> PasswordHasher: ...
    @property
    def bus(self) -> EventBus: ...
    @property
    def rate_limiter(self) -> RateLimiter: ...
    @property
    def rate_rules(self) -> Rules: ...
