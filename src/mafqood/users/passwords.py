"""Password policy and bcrypt hashing (run in a thread: a cost-12 hash takes ~250 ms)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import bcrypt

T = TypeVar("T")
MIN_LENGTH = 8
# bcrypt only reads the first 72 bytes; longer passwords are refused rather than truncated.
MAX_BYTES = 72


def policy_violations(password: str) -> list[str]:
    reasons = []
    if len(password) < MIN_LENGTH:
        reasons.append("too_short")
    if len(password.encode()) > MAX_BYTES:
        reasons.append("too_long")
    if not any(c.isupper() for c in password):
        reasons.append("no_upper")
    if not any(c.islower() for c in password):
        reasons.append("no_lower")
    if not any(c.isdigit() for c in password):
        reasons.append("no_digit")
    return reasons


# bcrypt gets threads of its own: a burst of sign-ups must not queue photo and model work
# (which share the default pool) behind 250 ms hashes, nor the other way round.
_BCRYPT_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bcrypt")


async def _in_bcrypt_thread(function: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(_BCRYPT_THREADS, function, *args)


class PasswordHasher:
    def __init__(self, rounds: int) -> None:
        self.rounds = rounds
        # Verifying against this when the email is unknown makes login take the same time
        # whether or not an account exists.
        self._dummy_hash = bcrypt.hashpw(b"unused-password", bcrypt.gensalt(rounds))

    def hash_sync(self, password: str) -> str:
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(self.rounds)).decode()

    async def hash(self, password: str) -> str:
        return await _in_bcrypt_thread(self.hash_sync, password)

    async def verify(self, password: str, password_hash: str | None) -> bool:
        candidate = password.encode()[:MAX_BYTES]
        # An account without a password (made from a web report: "!web") matches nothing.
        usable = password_hash is not None and password_hash.startswith("$2")
        stored = password_hash.encode() if usable and password_hash else self._dummy_hash
        matched = await _in_bcrypt_thread(bcrypt.checkpw, candidate, stored)
        return matched and usable
