"""What a worker thread needs to run the async service code: its own event loop, database
engine, Redis client and push client, built on first use and kept for the process's life."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

# Every table must be known before the first flush (foreign keys between domains).
import mafqood.models  # noqa: F401
from mafqood.composition.container import Container
from mafqood.composition.texts import register_texts
from mafqood.core.config import Settings, get_settings
from mafqood.core.logging import configure_logging
from mafqood.push import FcmClient, make_fcm_client

T = TypeVar("T")
_local = threading.local()


class WorkerRuntime:
    def __init__(self, settings: Settings) -> None:
        if not settings.database_url or not settings.redis_url:
            raise RuntimeError(
                "workers need DATABASE_URL and REDIS_URL (`mafqood serve` passes both)"
            )
        register_texts(settings)
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.container = Container.build(settings, settings.database_url, settings.redis_url)
        self.push: FcmClient | None = make_fcm_client(settings)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        async def shutdown() -> None:
            if self.push is not None:
                await self.push.aclose()
            await self.container.close()

        try:
            self.run(shutdown())
        finally:
            self.loop.close()


def current() -> WorkerRuntime:
    """This thread's runtime (a forked child builds its own)."""
    found: WorkerRuntime | None = getattr(_local, "runtime", None)
    if found is None or found.pid != os.getpid():
        settings = get_settings()
        configure_logging(settings.log_level, settings.log_json)
        found = WorkerRuntime(settings)
        _local.runtime = found
    return found


def close_current() -> None:
    found: WorkerRuntime | None = getattr(_local, "runtime", None)
    if found is not None and found.pid == os.getpid():
        _local.runtime = None
        found.close()
