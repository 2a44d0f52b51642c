"""What the public pages use of the process's shared objects."""

from __future__ import annotations

from typing import Protocol

from mafqood.matching.ports import SubmissionServices
from mafqood.messaging.ports import MessageServices
from mafqood.ratelimit.limiter import RateLimiter


class PublicServices(SubmissionServices, MessageServices, Protocol):
    @property
    def rate_limiter(self) -> RateLimiter: ...
