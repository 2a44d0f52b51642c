"""Requests waiting for something another process announces (a report's analysis): a
future per waiter, resolved by the hub's one Redis subscription. Waiting holds no thread, no
database connection and no Redis connection of its own."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Iterator


class Waits:
    def __init__(self) -> None:
        self._waiting: dict[str, set[asyncio.Future[None]]] = defaultdict(set)

    @contextlib.contextmanager
    def expect(self, key: str) -> Iterator[asyncio.Future[None]]:
        """Register before the work can finish (before it is even sent), so that an answer
        that comes quickly is not missed."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[key].add(future)
        try:
            yield future
        finally:
            group = self._waiting.get(key)
            if group is not None:
                group.discard(future)
                if not group:
                    del self._waiting[key]
            future.cancel()

    def resolve(self, key: str) -> None:
        for future in self._waiting.get(key, ()):
            if not future.done():
                future.set_result(None)
