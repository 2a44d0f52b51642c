"""Reports of messages, for the same moderators who review reported items: a participant
reports a message of the other side once; an administrator dismisses the reports or removes
the message (its text and photos are deleted, the thread shows it as removed)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from mafqood.audit import service as audit
from mafqood.core.errors import Conflict, Forbidden, NotFound
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.messaging.messages import message_in
from mafqood.messaging.models import Message, MessageReport
from mafqood.notifications.models import Notification
from mafqood.photos.service import photo_keys
from mafqood.storage import Storage
from mafqood.users.models import User


@dataclass(frozen=True)
class ReportMessage:
    message_id: uuid.UUID
    reason: str
    details: str | None = None


async def report_message(
    uow: UnitOfWork, actor: User, command: ReportMessage, *, client: ClientInfo
) -> MessageReport:
    place, message = await message_in(uow, actor, command.message_id)
    if message.sender_side == place.party:
        raise Forbidden("cannot_report_own_message")
    created = await uow.execute(
        insert(MessageReport)
        .values(
            message_id=message.id,
            reporter_id=actor.id,
            reason=command.reason,
            details=command.details,
        )
        .on_conflict_do_nothing()
        .returning(MessageReport.id)
    )
    report_id = created.scalar_one_or_none()
    if report_id is None:
        raise Conflict("already_reported_message")
    audit.record(
        uow,
        "message_reported",
        client,
        user_id=actor.id,
        entity_type="message",
        entity_id=message.id,
        data={"reason": command.reason},
    )
    report = await uow.get(MessageReport, report_id)
    assert report is not None
    return report


async def reported_messages(uow: UnitOfWork, limit: int) -> list[tuple[Message, list[str], int]]:
    """Messages with reports not yet reviewed, most reported first: (message, reasons,
    number of reports)."""
    pending = (
        select(
            MessageReport.message_id,
            func.array_agg(func.distinct(MessageReport.reason)).label("reasons"),
            func.count().label("reports"),
            func.min(MessageReport.created_at).label("first"),
        )
        .where(MessageReport.reviewed_at.is_(None))
        .group_by(MessageReport.message_id)
        .subquery()
    )
    rows = await uow.execute(
        select(Message, pending.c.reasons, pending.c.reports)
        .join(pending, pending.c.message_id == Message.id)
        .order_by(pending.c.reports.desc(), pending.c.first)
        .limit(limit)
    )
    return [(message, sorted(reasons), int(count)) for message, reasons, count in rows.all()]


@dataclass(frozen=True)
class ReviewMessage:
    message_id: uuid.UUID
    remove: bool


async def review(
    uow: UnitOfWork, admin: User, command: ReviewMessage, storage: Storage, *, client: ClientInfo
) -> Message:
    """The caller is an administrator (the route checks it)."""
    message = await uow.get(Message, command.message_id, with_for_update=True)
    if message is None:
        raise NotFound()
    await uow.execute(
        update(MessageReport)
        .where(MessageReport.message_id == message.id, MessageReport.reviewed_at.is_(None))
        .values(reviewed_at=func.now())
    )
    if command.remove and message.removed_at is None:
        keys = [key for base in message.photo_keys for key in photo_keys(base)]
        message.body, message.photo_keys = "", []
        message.removed_at = func.now()
        # The other side's notices of it quote it.
        await uow.execute(
            delete(Notification).where(
                Notification.type == "message",
                Notification.data["params"]["message_id"].astext == str(message.id),
            )
        )
        if keys:

            async def remove_files() -> None:
                await storage.delete(keys)

            uow.after_commit(remove_files)
    audit.record(
        uow,
        "message_removed" if command.remove else "message_reports_dismissed",
        client,
        user_id=admin.id,
        entity_type="message",
        entity_id=message.id,
    )
    await uow.flush()
    await uow.refresh(message)
    return message
