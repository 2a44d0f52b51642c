"""Encoded answers kept for a few seconds in this process, for public pages that many clients
ask for at once (anonymous browse): one query and one encoding serve them all."""

from __future__ import annotations

import time
from collections.abc import Hashable


class AnswerCache:
    """Bodies by key, each for `seconds` after it was stored; 0 seconds keeps nothing. Only
    for answers that are the same for every client: never per-user data."""

    def __init__(self, seconds: float, max_entries: int = 512) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, bytes]] = {}

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
