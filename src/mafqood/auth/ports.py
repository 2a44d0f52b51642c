"""What the auth package uses of the process's shared objects (the composition's Container
provides them)."""

from __future__ import annotations

import uuid
from typing import Protocol

from mafqood.core.config import Settings
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.ratelimit.limiter import RateLimiter
from mafqood.ratelimit.rules import Rules
from mafqood.realtime.bus import EventBus
from mafqood.users.passwords import PasswordHasher
from mafqood.users.tokens import TokenService


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

    # Venues answer it (their members work at a desk): it sets the access token's `desk` claim.
    async def is_desk_member(self, session: UnitOfWork, user_id: uuid.UUID) -> bool: ...
