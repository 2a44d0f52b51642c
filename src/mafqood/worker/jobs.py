"""What the tasks do, as coroutines over a Container (tasks.py runs them in a worker; tests and
the command line can call them directly)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import delete, func

from mafqood.composition.container import Container
from mafqood.lifecycle import matches
from mafqood.matching.queue import mark_given_up
from mafqood.notifications.service import delete_expired
from mafqood.storage import LocalStorage, S3Storage
from mafqood.users.models import RefreshToken
from mafqood.worker import outbox
from mafqood.worker.app import ANALYSE_REPORT

log = structlog.get_logger(__name__)

TEMP_PREFIX = "temp/"


async def drain_outbox(container: Container) -> int:
    """Send again every job whose delivery was not confirmed in time. Returns how many."""
    settings = container.settings
    async with container.sessionmaker() as session:
        jobs = await outbox.due_jobs(session, settings.outbox_max_attempts)
        for job in jobs:
            job.attempts += 1
            job.available_at = datetime.now(UTC) + outbox.backoff(
                job.attempts, settings.outbox_retry_after_seconds
            )
            if job.attempts >= settings.outbox_max_attempts:
                log.error("outbox_job_given_up", job_id=str(job.id), task=job.task)
                if job.task == ANALYSE_REPORT:
                    await mark_given_up(session, uuid.UUID(job.payload["item_id"]))
        due = [(job.id, job.task) for job in jobs]
        await session.commit()
    for job_id, task in due:
        await container.tasks.send(task, [str(job_id)])
    if due:
        log.info("outbox_drained", jobs=len(due))
    return len(due)


async def send_mail(container: Container, job_id: uuid.UUID) -> bool:
    async with container.sessionmaker() as session:
        job = await outbox.claim(session, job_id)
        if job is None:
            return False
        mail: dict[str, Any] = job.payload
        await container.mail.send(mail["to"], mail["subject"], mail["body"])
        await session.delete(job)
        await session.commit()
        return True


async def expire_notifications(container: Container) -> int:
    async with container.sessionmaker() as session:
        count = await delete_expired(session)
        await session.commit()
    if count:
        log.info("notifications_expired", count=count)
    return count


async def expire_matches(container: Container) -> int:
    """Pending matches nobody acted on for match_expiry_days."""
    cutoff = timedelta(days=container.settings.match_expiry_days)
    async with container.sessionmaker() as session:
        count = await matches.expire_unanswered(session, cutoff)
        await session.commit()
    if count:
        log.info("matches_expired", count=count)
    return count


async def purge_refresh_tokens(container: Container) -> int:
    async with container.sessionmaker() as session:
        result = await session.execute(
            delete(RefreshToken).where(RefreshToken.expires_at < func.now())
        )
        await session.commit()
    count = int(result.rowcount)  # type: ignore[attr-defined]
    if count:
        log.info("refresh_tokens_purged", count=count)
    return count


def _old_local_files(root: Path, cutoff: datetime) -> list[str]:
    folder = root / TEMP_PREFIX
    if not folder.is_dir():
        return []
    limit = cutoff.timestamp()
    return [
        path.relative_to(root).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.stat().st_mtime < limit
    ]


def _old_s3_objects(storage: S3Storage, cutoff: datetime) -> list[str]:
    keys: list[str] = []
    paginator = storage.client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=storage.bucket, Prefix=TEMP_PREFIX):
        keys.extend(
            entry["Key"] for entry in page.get("Contents", []) if entry["LastModified"] < cutoff
        )
    return keys


async def delete_temp_uploads(container: Container) -> int:
    """Photos uploaded on their own (POST /upload/image) and older than the limit."""
    cutoff = datetime.now(UTC) - timedelta(hours=container.settings.temp_upload_max_age_hours)
    storage = container.storage
    if isinstance(storage, LocalStorage):
        keys = await asyncio.to_thread(_old_local_files, storage.root, cutoff)
    elif isinstance(storage, S3Storage):
        keys = await asyncio.to_thread(_old_s3_objects, storage, cutoff)
    else:
        return 0
    if keys:
        await storage.delete(keys)
        log.info("temporary_uploads_deleted", count=len(keys))
    return len(keys)
