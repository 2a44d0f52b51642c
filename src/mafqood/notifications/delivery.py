"""Delivering one notification (run by a worker): the WebSocket event if the API could not
publish it, and a push to each of the user's phones.

Idempotent: the outbox job is locked while it runs and deleted in the transaction that records
the result; phones already reached are remembered across retries.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import structlog
from sqlalchemy import select

from mafqood.core.errors import TryAgainLater
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.notifications.models import DeviceToken, Notification
from mafqood.notifications.ports import DeliveryServices
from mafqood.notifications.service import unread_count
from mafqood.push import FcmClient, PushConfigError, PushTemporaryError
from mafqood.worker import outbox

log = structlog.get_logger(__name__)

Outcome = Literal["delivered", "not_pending", "gone", "retry"]


class DeliveryPostponed(TryAgainLater):
    """Transient failure; the job is kept with its backoff and the task is retried."""


@dataclass
class PushReport:
    sent: int = 0
    removed: int = 0
    rejected: int = 0
    skipped: bool = False
    reached: set[str] = field(default_factory=set)


async def push_notification(
    session: UnitOfWork,
    client: FcmClient | None,
    notification: Notification,
    reached: set[str],
) -> PushReport:
    """Push to every phone of the user not in `reached` (device ids, updated in place).
    Raises PushTemporaryError after trying every phone if one of them should be retried."""
    report = PushReport(reached=reached)
    if client is None:
        log.info("push_skipped_no_credentials", notification_id=str(notification.id))
        report.skipped = True
        return report
    devices = list(
        await session.scalars(
            select(DeviceToken).where(DeviceToken.user_id == notification.user_id)
        )
    )
    pending = [device for device in devices if str(device.id) not in reached]
    if not pending:
        return report
    badge = await unread_count(session, notification.user_id)
    data = {
        "notification_id": str(notification.id),
        "type": notification.type,
        "item_id": str(notification.item_id) if notification.item_id else "",
        "match_id": str(notification.match_id) if notification.match_id else "",
    }
    # A message's notice opens its conversation in the app.
    thread_id = ((notification.data or {}).get("params") or {}).get("thread_id")
    if thread_id:
        data["thread_id"] = str(thread_id)
    temporary: PushTemporaryError | None = None
    for device in pending:
        try:
            result = await client.send(
                device.token, notification.title, notification.message, data, badge
            )
        except PushTemporaryError as exc:
            temporary = exc
            continue
        if result.outcome == "sent":
            report.sent += 1
            reached.add(str(device.id))
            if not notification.push_sent:
                notification.push_sent = True
                notification.push_sent_at = datetime.now(UTC)
        elif result.outcome == "unregistered":
            log.info("push_token_unregistered_removed", device_id=str(device.id))
            await session.delete(device)
            report.removed += 1
        else:
            log.warning("push_rejected", device_id=str(device.id), error=result.error)
            report.rejected += 1
            reached.add(str(device.id))  # permanent for this message: do not retry
    if temporary is not None:
        raise temporary
    return report


async def deliver(
    container: DeliveryServices, client: FcmClient | None, job_id: uuid.UUID, published: bool
) -> Outcome:
    settings = container.settings
    async with container.sessionmaker() as session:
        job = await outbox.claim(session, job_id)
        if job is None:
            return "not_pending"
        payload = dict(job.payload)
        notification = await session.get(Notification, uuid.UUID(payload["notification_id"]))
        if notification is None:
            # Expired or its user deleted meanwhile: nothing left to deliver.
            await session.delete(job)
            await session.commit()
            return "gone"

        event = payload.get("event")
        if event is not None and not (published or payload.get("published")):
            if await container.bus.publish(notification.user_id, event):
                payload["published"] = True
        elif event is not None:
            payload["published"] = True

        reached = set(payload.get("reached", []))
        error: Exception | None = None
        try:
            await push_notification(session, client, notification, reached)
        except (PushTemporaryError, PushConfigError) as exc:
            error = exc
        if event is not None and not payload.get("published"):
            error = error or DeliveryPostponed("event not published: Redis unreachable")

        if error is None:
            await session.delete(job)
            await session.commit()
            return "delivered"
        payload["reached"] = sorted(reached)
        job.payload = payload
        outbox.postpone(
            job, f"{type(error).__name__}: {error}", settings.outbox_retry_after_seconds
        )
        await session.commit()
        log.warning(
            "notification_delivery_postponed",
            notification_id=str(notification.id),
            attempts=job.attempts,
            error=str(error),
        )
        if isinstance(error, PushConfigError):
            # Retrying now cannot help; the drain tries again after the backoff.
            return "retry"
        raise DeliveryPostponed(str(error), getattr(error, "retry_after", None))
