"""The outbox: background work written in the same transaction as the change that causes it.

A job is a row naming a task and its payload. After commit the task is sent to Celery at once;
the worker deletes the row in the transaction that completes the work. If Redis or every
worker is down, or a worker dies mid-task, the row stays and the periodic drain sends it again
once it is `available_at`. Delivery is at least once, so tasks must be idempotent.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import String, Text, func, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mafqood.core.db import Base
from mafqood.core.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)

MAX_BACKOFF = timedelta(hours=1)

# What the drain does, in its own transaction, with the payload of a job it stops retrying.
GiveUp = Callable[[UnitOfWork, dict[str, Any]], Awaitable[None]]
_give_up: dict[str, GiveUp] = {}


class OutboxJob(Base):
    __tablename__ = "outbox_jobs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    task: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    available_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """base, 2 x base, 4 x base ... up to an hour."""
    return min(timedelta(seconds=base_seconds * 2 ** max(0, min(attempts, 16))), MAX_BACKOFF)


def add_job(
    session: UnitOfWork, task: str, payload: dict[str, Any], delay_seconds: float | None = None
) -> OutboxJob:
    """The row only: the drain sends it once `delay_seconds` (default: the retry delay) have
    passed; `enqueue` also sends it at once after commit."""
    retry_after = session.effects.settings.outbox_retry_after_seconds
    delay = retry_after if delay_seconds is None else delay_seconds
    job = OutboxJob(
        id=uuid.uuid4(),
        task=task,
        payload=payload,
        attempts=0,
        available_at=datetime.now(UTC) + timedelta(seconds=delay),
    )
    session.add(job)
    return job


async def send_job(uow: UnitOfWork, job_id: uuid.UUID, task: str, **kwargs: Any) -> bool:
    """Hand a committed job to the workers now. False (and logged) when that failed: the
    drain sends it later."""
    return await uow.effects.tasks.send(task, [str(job_id)], kwargs)


def enqueue(session: UnitOfWork, task: str, payload: dict[str, Any]) -> OutboxJob:
    """Run `task` for this payload once the session's transaction commits (never if it
    rolls back)."""
    job = add_job(session, task, payload)

    async def send() -> None:
        await send_job(session, job.id, task)

    session.after_commit(send)
    return job


async def claim(session: UnitOfWork, job_id: uuid.UUID) -> OutboxJob | None:
    """Lock the job for this transaction. None when it is done already, or another worker
    holds it right now (that worker finishes it or leaves it for the drain)."""
    result = await session.execute(
        select(OutboxJob).where(OutboxJob.id == job_id).with_for_update(skip_locked=True)
    )
    return result.scalar_one_or_none()


def postpone(job: OutboxJob, error: str, base_seconds: float) -> None:
    """Record a failed try; the drain sends the job again after the backoff."""
    job.attempts += 1
    job.last_error = error[:2000]
    job.available_at = datetime.now(UTC) + backoff(job.attempts, base_seconds)


async def due_jobs(session: UnitOfWork, max_attempts: int, limit: int = 500) -> list[OutboxJob]:
    result = await session.execute(
        select(OutboxJob)
        .where(OutboxJob.available_at <= func.now(), OutboxJob.attempts < max_attempts)
        .order_by(OutboxJob.available_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(result.scalars())


def on_give_up(task: str, hook: GiveUp) -> None:
    """Have the drain call `hook` when it gives up on a job of `task`. The package that owns
    the task's work registers it (at start-up, through the composition): this package knows
    no domain."""
    _give_up[task] = hook


def give_up_hook(task: str) -> GiveUp | None:
    return _give_up.get(task)
