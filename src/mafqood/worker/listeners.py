"""Whether any worker consumes a queue, asked of the workers themselves through Celery's
remote control (`inspect().active_queues()`): each live worker answers with the queues its
consumer listens on. A worker whose process runs but whose consumer is not up yet (still
connecting, or just started by `make run`) does not answer, so "listening" means a job sent
now would be taken.

Asking is a broadcast that waits `timeout` for the answers, so the answer is kept for
`cache_seconds`, and callers arriving meanwhile share one question in flight.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from celery import Celery


class QueueListeners:
    def __init__(
        self,
        celery: Callable[[], Celery],
        queue: str,
        *,
        timeout: float = 1.0,
        cache_seconds: float = 5.0,
    ) -> None:
        self._celery = celery
        self.queue = queue
        self.timeout = timeout
        self.cache_seconds = cache_seconds
        self._answer: tuple[float, int] | None = None
        self._asking: asyncio.Task[int] | None = None

    async def count(self) -> int:
        """How many workers consume the queue (cached). Raises when the broker cannot be
        reached."""
        if self._answer is not None and time.monotonic() - self._answer[0] < self.cache_seconds:
            return self._answer[1]
        if self._asking is None or self._asking.done():
            self._asking = asyncio.ensure_future(asyncio.to_thread(self._ask))
        found = await asyncio.shield(self._asking)
        self._answer = (time.monotonic(), found)
        return found

    def forget(self) -> None:
        """Ask again on the next call."""
        self._answer = None

    def _ask(self) -> int:
        replies: dict[str, list[dict[str, Any]]] | None = (
            self._celery().control.inspect(timeout=self.timeout).active_queues()
        )
        return sum(
            any(queue.get("name") == self.queue for queue in queues)
            for queues in (replies or {}).values()
        )
