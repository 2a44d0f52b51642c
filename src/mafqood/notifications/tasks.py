"""Background work of notifications: delivering each one, and forgetting expired ones."""

from __future__ import annotations

import uuid

import structlog

from mafqood.notifications import delivery
from mafqood.notifications.ports import PushDeliveryServices
from mafqood.notifications.service import delete_expired
from mafqood.worker.app import DELIVER_NOTIFICATION, EXPIRE_NOTIFICATIONS
from mafqood.worker.background import task
from mafqood.worker.ports import TaskServices

log = structlog.get_logger(__name__)


@task(DELIVER_NOTIFICATION, retried=True)
async def deliver_notification(
    services: PushDeliveryServices, job_id: str, published: bool = False
) -> str:
    return await delivery.deliver(services, services.push, uuid.UUID(job_id), published)


@task(EXPIRE_NOTIFICATIONS)
async def expire_notifications(services: TaskServices) -> int:
    async with services.sessionmaker() as session:
        count = await delete_expired(session)
        await session.commit()
    if count:
        log.info("notifications_expired", count=count)
    return count
