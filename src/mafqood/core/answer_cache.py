"""Encoded answers kept for a few seconds in this process, for public pages that many clients
ask for at once (anonymous browse): one query and one encoding serve them all."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable


class AnswerCache:
    """Bodies by key, each for `seconds` after it was stored; 0 seconds keeps nothing. Only
    for answers that are the same for every client: never per-user data."""

    def __init__(self, seconds: float, max_entries: int = 512) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, bytes]] = {}
        self._building: dict[Hashable, asyncio.Event] = {}

    async def get_or_build(self, key: Hashable, build: Callable[[], Awaitable[bytes]]) -> bytes:
        """The kept body, else one built by `build`. Callers that arrive while it is being built
        wait for it instead of building it again: a crowd asking at once costs one query. If the
        build fails, the next waiter builds it."""
        if self.seconds <= 0:
            return await build()
        while (body := self.get(key)) is None:
            building = self._building.get(key)
            if building is None:
                building = self._building[key] = asyncio.Event()
                try:
                    body = await build()
                    self.put(key, body)
                    return body
                finally:
                    del self._building[key]
                    building.set()
            await building.wait()
        return body

    def get(self, key: Hashable) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            self._entries.pop(key, None)
            return None
        return entry[1]

    def put(self, key: Hashable, body: bytes) -> None:
        if self.seconds <= 0:
            return
        now = time.monotonic()
        if len(self._entries) >= self.max_entries:
            # Expired first; when every entry is fresh (many distinct queries), the oldest.
            self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
            while len(self._entries) >= self.max_entries:
                del self._entries[next(iter(self._entries))]
        self._entries[key] = (now + self.seconds, body)
