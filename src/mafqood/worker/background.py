"""How a Celery task runs a use case: on this process's worker runtime (its event loop,
container and push client), with transient failures (database, Redis, FCM unavailable)
retried with exponential backoff where the task asks for it."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import httpx
import redis.exceptions
import sqlalchemy.exc
import structlog
from celery import Task

from mafqood.core.errors import TryAgainLater
from mafqood.worker import runtime
from mafqood.worker.app import app
from mafqood.worker.runtime import WorkerRuntime

log = structlog.get_logger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
UseCase = Callable[Concatenate[WorkerRuntime, P], Coroutine[Any, Any, T]]

TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    httpx.TransportError,
    TryAgainLater,
)
MAX_RETRIES = 8


def countdown(retries: int, hinted: float | None = None) -> float:
    """1, 2, 4 ... seconds with jitter, at most 10 minutes; a Retry-After hint wins."""
    if hinted is not None:
        return min(hinted, 3600.0)
    base = min(2.0**retries, 600.0)
    return base + random.uniform(0, base / 4)  # noqa: S311 - jitter


def _retry(self: Task, exc: BaseException) -> Exception:
    hinted = exc.retry_after if isinstance(exc, TryAgainLater) else None
    log.warning("task_retry", task=self.name, retries=self.request.retries, error=str(exc))
    return cast(Exception, self.retry(exc=exc, countdown=countdown(self.request.retries, hinted)))


def task(
    name: str, *, retried: bool = False, **options: Any
) -> Callable[[UseCase[P, T]], Callable[P, T]]:
    """Registers the coroutine function as the Celery task `name`; it is called with this
    process's worker runtime before the task's own arguments. Without `retried` a transient
    failure fails the task: periodic work runs again on its next turn anyway."""
    transient = TRANSIENT if retried else ()
    if retried:
        options.setdefault("max_retries", MAX_RETRIES)

    def register(use_case: UseCase[P, T]) -> Callable[P, T]:
        @functools.wraps(use_case)
        def run(self: Task, *args: P.args, **kwargs: P.kwargs) -> T:
            worker = runtime.current()
            try:
                return worker.run(use_case(worker, *args, **kwargs))
            except transient as exc:
                raise _retry(self, exc) from exc

        return cast(Callable[P, T], app.task(name=name, bind=True, **options)(run))

    return register
