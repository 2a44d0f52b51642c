"""The worker's own tasks: mail, the outbox drain, the readiness ping. Each receives ids
(never rows), opens its own session, reloads what it needs and copes with rows deleted
meanwhile. Domains keep theirs in <package>/tasks.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from celery.signals import worker_process_shutdown, worker_shutdown

from mafqood.worker import outbox, runtime
from mafqood.worker.app import DRAIN_OUTBOX, PING, SEND_MAIL
from mafqood.worker.background import task
from mafqood.worker.ports import MailServices, OutboxServices, PingServices

log = structlog.get_logger(__name__)


@task(SEND_MAIL, retried=True)
async def send_mail(services: MailServices, job_id: str) -> bool:
    async with services.sessionmaker() as session:
        job = await outbox.claim(session, uuid.UUID(job_id))
        if job is None:
            return False
        mail: dict[str, Any] = job.payload
        await services.mail.send(mail["to"], mail["subject"], mail["body"])
        await session.delete(job)
        await session.commit()
        return True


@task(DRAIN_OUTBOX)
async def drain_outbox(services: OutboxServices) -> int:
    """Send again every job whose delivery was not confirmed in time. Returns how many."""
    settings = services.settings
    async with services.sessionmaker() as session:
        jobs = await outbox.due_jobs(session, settings.outbox_max_attempts)
        for job in jobs:
            job.attempts += 1
            job.available_at = datetime.now(UTC) + outbox.backoff(
                job.attempts, settings.outbox_retry_after_seconds
            )
            if job.attempts >= settings.outbox_max_attempts:
                log.error("outbox_job_given_up", job_id=str(job.id), task=job.task)
                give_up = outbox.give_up_hook(job.task)
                if give_up is not None:
                    await give_up(session, job.payload)
        due = [(job.id, job.task) for job in jobs]
        await session.commit()
    for job_id, name in due:
        await services.tasks.send(name, [str(job_id)])
    if due:
        log.info("outbox_drained", jobs=len(due))
    return len(due)


@task(PING)
async def ping(services: PingServices, key: str) -> None:
    """Answers by setting `key` in Redis for a minute (readiness checks)."""
    await services.redis.set(key, "pong", ex=60)


def _close_runtime(**_: Any) -> None:
    runtime.close_current()


worker_process_shutdown.connect(_close_runtime, weak=False)
worker_shutdown.connect(_close_runtime, weak=False)
