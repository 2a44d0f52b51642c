"""Celery tasks. Each receives ids (never rows), opens its own session through the worker
runtime, reloads what it needs and copes with rows deleted meanwhile. Transient failures
(database, Redis, FCM unavailable) are retried with exponential backoff."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from typing import Any, TypeVar, cast

import httpx
import redis.exceptions
import sqlalchemy.exc
import structlog
from celery import Task
from celery.signals import worker_process_shutdown, worker_shutdown

from mafqood.notifications import delivery
from mafqood.push import PushTemporaryError
from mafqood.worker import jobs, runtime
from mafqood.worker.app import (
    DELETE_TEMP_UPLOADS,
    DELIVER_NOTIFICATION,
    DRAIN_OUTBOX,
    EXPIRE_MATCHES,
    EXPIRE_NOTIFICATIONS,
    PING,
    PURGE_REFRESH_TOKENS,
    SEND_MAIL,
    app,
)

log = structlog.get_logger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    httpx.TransportError,
    PushTemporaryError,
    delivery.DeliveryPostponed,
)
MAX_RETRIES = 8


def task(name: str, **options: Any) -> Callable[[F], F]:
    return cast(Callable[[F], F], app.task(name=name, **options))


def countdown(retries: int, hinted: float | None = None) -> float:
    """1, 2, 4 ... seconds with jitter, at most 10 minutes; a Retry-After hint wins."""
    if hinted is not None:
        return min(hinted, 3600.0)
    base = min(2.0**retries, 600.0)
    return base + random.uniform(0, base / 4)  # noqa: S311 - jitter


def retry(self: Task, exc: BaseException) -> Exception:
    hinted = getattr(exc, "retry_after", None)
    log.warning("task_retry", task=self.name, retries=self.request.retries, error=str(exc))
    return cast(Exception, self.retry(exc=exc, countdown=countdown(self.request.retries, hinted)))


@task(DELIVER_NOTIFICATION, bind=True, max_retries=MAX_RETRIES)
def deliver_notification(self: Task, job_id: str, published: bool = False) -> str:
    worker = runtime.current()
    try:
        return worker.run(
            delivery.deliver(worker.container, worker.push, uuid.UUID(job_id), published)
        )
    except TRANSIENT as exc:
        raise retry(self, exc) from exc


@task(SEND_MAIL, bind=True, max_retries=MAX_RETRIES)
def send_mail(self: Task, job_id: str) -> bool:
    worker = runtime.current()
    try:
        return worker.run(jobs.send_mail(worker.container, uuid.UUID(job_id)))
    except TRANSIENT as exc:
        raise retry(self, exc) from exc


@task(DRAIN_OUTBOX)
def drain_outbox() -> int:
    worker = runtime.current()
    return worker.run(jobs.drain_outbox(worker.container))


@task(EXPIRE_NOTIFICATIONS)
def expire_notifications() -> int:
    worker = runtime.current()
    return worker.run(jobs.expire_notifications(worker.container))


@task(EXPIRE_MATCHES)
def expire_matches() -> int:
    worker = runtime.current()
    return worker.run(jobs.expire_matches(worker.container))


@task(DELETE_TEMP_UPLOADS)
def delete_temp_uploads() -> int:
    worker = runtime.current()
    return worker.run(jobs.delete_temp_uploads(worker.container))


@task(PURGE_REFRESH_TOKENS)
def purge_refresh_tokens() -> int:
    worker = runtime.current()
    return worker.run(jobs.purge_refresh_tokens(worker.container))


@task(PING)
def ping(key: str) -> None:
    """Answers by setting `key` in Redis for a minute (readiness checks)."""
    worker = runtime.current()

    async def answer() -> None:
        await worker.container.redis.set(key, "pong", ex=60)

    worker.run(answer())


def _close_runtime(**_: Any) -> None:
    runtime.close_current()


worker_process_shutdown.connect(_close_runtime, weak=False)
worker_shutdown.connect(_close_runtime, weak=False)
