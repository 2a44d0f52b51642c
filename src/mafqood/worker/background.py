"""How a Celery task runs a use case: on this process's worker runtime (its event loop and
shared objects), with transient failures (database, Redis, FCM unavailable) retried with
exponential backoff where the task asks for it."""

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

log = structlog.get_logger(__name__)
S = TypeVar("S")
P = ParamSpec("P")
T = TypeVar("T")
UseCase = Callable[Concatenate[S, P], Coroutine[Any, Any, T]]

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
) -> Callable[[UseCase[S, P, T]], UseCase[S, P, T]]:
    """Registers the coroutine function as the Celery task `name`, and returns it as it is
    (tests and commands call it with their own objects). A worker calls it with this
    process's shared objects before the task's own arguments: its first parameter's type,
    a Protocol (a port), says what it uses of them, and the composition's test checks that
    the worker's objects provide it. Without `retried` a transient failure fails the task:
    periodic work runs again on its next turn anyway."""
    transient = TRANSIENT if retried else ()
    if retried:
        options.setdefault("max_retries", MAX_RETRIES)

    def register(use_case: UseCase[S, P, T]) -> UseCase[S, P, T]:
        @functools.wraps(use_case)
        def run(self: Task, *args: P.args, **kwargs: P.kwargs) -> T:
            worker = runtime.current()
            try:
                return worker.run(use_case(cast(S, worker.shared), *args, **kwargs))
            except transient as exc:
                raise _retry(self, exc) from exc

        app.task(name=name, bind=True, **options)(run)
        return use_case

    return register
