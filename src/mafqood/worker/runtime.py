"""What a worker thread needs to run the async service code: its own event loop, and the
process's shared objects (database engine, Redis, push client ...), built on first use and
kept for the process's life.

This package knows no domain, so it does not know what those objects are: a builder makes
them, and the process installs one at start-up, before any task runs (`mafqood worker`
installs the composition's). Without one a worker refuses to start and a task fails at
once: running tasks on half a process would fail them one by one, far from the cause.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Protocol, TypeVar

from mafqood.core.config import Settings, get_settings
from mafqood.core.logging import configure_logging

T = TypeVar("T")
_local = threading.local()

NO_BUILDER = (
    "no builder of the worker's shared objects is installed: start workers with "
    "`mafqood worker`, which installs the application's"
)


class Shared(Protocol):
    """The process's shared objects, as far as the runtime is concerned: each task declares
    what it uses of them (its port), and the runtime closes them when the process ends."""

    async def close(self) -> None: ...


Builder = Callable[[Settings], Shared]


class NoBuilder(RuntimeError):
    """A task ran in a process that never installed the builder of its shared objects."""


_builder: Builder | None = None


def install(builder: Builder) -> None:
    """Set how this process builds its shared objects; before any task runs (forked pool
    processes inherit it, and each builds its own objects with it)."""
    global _builder
    _builder = builder


def installed() -> bool:
    return _builder is not None


def require_builder(**_: Any) -> None:
    """Worker start-up check (connected to Celery's worker_init): a worker without a builder
    would take messages only to fail every task, so it stops before consuming any. Celery
    logs and swallows a receiver's exceptions; SystemExit is not one of those."""
    if _builder is None:
        raise SystemExit(NO_BUILDER)


class WorkerRuntime:
    def __init__(self, settings: Settings, builder: Builder) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        try:
            self.shared = builder(settings)
        except BaseException:
            self.loop.close()
            raise

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        try:
            self.run(self.shared.close())
        finally:
            self.loop.close()


def current() -> WorkerRuntime:
    """This thread's runtime (a forked child builds its own). Raises NoBuilder when the
    process never installed a builder."""
    found: WorkerRuntime | None = getattr(_local, "runtime", None)
    if found is None or found.pid != os.getpid():
        if _builder is None:
            raise NoBuilder(NO_BUILDER)
        settings = get_settings()
        configure_logging(settings.log_level, settings.log_json)
        found = WorkerRuntime(settings, _builder)
        _local.runtime = found
    return found


def close_current() -> None:
    found: WorkerRuntime | None = getattr(_local, "runtime", None)
    if found is not None and found.pid == os.getpid():
        _local.runtime = None
        found.close()
