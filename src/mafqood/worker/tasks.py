"""Celery tasks. Each receives ids (never rows), opens its own session through the worker
runtime, reloads what it needs and copes with rows deleted meanwhile."""

from __future__ import annotations

import uuid
from typing import Any

from celery.signals import worker_process_shutdown, worker_shutdown

from mafqood.notifications import delivery
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
)
from mafqood.worker.background import task
from mafqood.worker.runtime import WorkerRuntime


@task(DELIVER_NOTIFICATION, retried=True)
async def deliver_notification(worker: WorkerRuntime, job_id: str, published: bool = False) -> str:
    return await delivery.deliver(worker.container, worker.push, uuid.UUID(job_id), published)


@task(SEND_MAIL, retried=True)
async def send_mail(worker: WorkerRuntime, job_id: str) -> bool:
    return await jobs.send_mail(worker.container, uuid.UUID(job_id))


@task(DRAIN_OUTBOX)
async def drain_outbox(worker: WorkerRuntime) -> int:
    return await jobs.drain_outbox(worker.container)


@task(EXPIRE_NOTIFICATIONS)
async def expire_notifications(worker: WorkerRuntime) -> int:
    return await jobs.expire_notifications(worker.container)


@task(EXPIRE_MATCHES)
async def expire_matches(worker: WorkerRuntime) -> int:
    return await jobs.expire_matches(worker.container)


@task(DELETE_TEMP_UPLOADS)
async def delete_temp_uploads(worker: WorkerRuntime) -> int:
    return await jobs.delete_temp_uploads(worker.container)


@task(PURGE_REFRESH_TOKENS)
async def purge_refresh_tokens(worker: WorkerRuntime) -> int:
    return await jobs.purge_refresh_tokens(worker.container)


@task(PING)
async def ping(worker: WorkerRuntime, key: str) -> None:
    """Answers by setting `key` in Redis for a minute (readiness checks)."""
    await worker.container.redis.set(key, "pong", ex=60)


def _close_runtime(**_: Any) -> None:
    runtime.close_current()


worker_process_shutdown.connect(_close_runtime, weak=False)
worker_shutdown.connect(_close_runtime, weak=False)
