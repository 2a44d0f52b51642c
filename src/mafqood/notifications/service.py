"""Notifications: written in the transaction of the event that causes them, delivered after
it commits (WebSocket event at once, push through a worker), retried from the outbox."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

import structlog
from sqlalchemy import Select, bindparam, delete, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert

from mafqood.core.errors import NotFound
from mafqood.core.i18n import Language, knows, language_or_default, translate
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.notifications.models import DeviceToken, Notification
from mafqood.users.models import User
from mafqood.users.weblinks import is_web_account, status_url
from mafqood.worker import outbox
from mafqood.worker.app import DELIVER_NOTIFICATION
from mafqood.worker.mail import queue_mail

log = structlog.get_logger(__name__)

NotificationKind = Literal["match", "message", "update", "system", "claim"]
# Oldest devices beyond this many per user are forgotten (reinstalls leave stale tokens).
MAX_DEVICES_PER_USER = 10
# Parameter values that are words of ours, shown in the recipient's language.
LOCALISED_PARAMS = ("confidence", "status")


def _text(key: str, language: Language, params: dict[str, str]) -> str:
    # Refused in production too: a notification is stored, and would keep the wrong text.
    if not knows(key):
        raise KeyError(f"no notification text {key!r}")
    return translate(key, language, **params)


def _localise(params: dict[str, str], language: Language) -> dict[str, str]:
    localised = dict(params)
    for name in LOCALISED_PARAMS:
        key = f"notify.{name}.{params.get(name)}"
        if name in params and knows(key):
            localised[name] = translate(key, language)
    return localised


async def notify(
    session: UnitOfWork,
    user_id: uuid.UUID,
    kind: NotificationKind,
    text_key: str,
    *,
    params: dict[str, str] | None = None,
    item_id: uuid.UUID | None = None,
    match_id: uuid.UUID | None = None,
    event: dict[str, Any] | None = None,
) -> Notification:
    """Create the user's notification in the caller's transaction.

    Texts are `{text_key}.title` / `{text_key}.message` in the user's preferred language.
    After commit, `event` goes to every socket of the user and a worker sends the push; if
    that cannot happen now, the outbox drain does it later. Nothing happens on rollback.
    """
    user = await session.get(User, user_id)
    if user is None:
        raise LookupError(f"no user {user_id}")
    language = language_or_default(user.preferred_language)
    values = _localise({k: str(v) for k, v in (params or {}).items()}, language)
    notification = Notification(
        id=uuid.uuid4(),
        user_id=user_id,
        type=kind,
        title=_text(f"{text_key}.title", language, values)[:255],
        message=_text(f"{text_key}.message", language, values),
        item_id=item_id,
        match_id=match_id,
        data={"text_key": text_key, "params": params or {}},
    )
    session.add(notification)
    await session.flush()

    payload: dict[str, Any] = {"notification_id": str(notification.id), "user_id": str(user_id)}
    if event is not None:
        event = {
            **event,
            "notification": {
                "id": str(notification.id),
                "type": kind,
                "title": notification.title,
                "message": notification.message,
            },
        }
        payload["event"] = event
    job = outbox.add_job(session, DELIVER_NOTIFICATION, payload)
    if is_web_account(user):
        _mail_web_account(session, user, notification, language)
    await session.flush()

    async def deliver() -> None:
        published = True
        if event is not None:
            published = await session.effects.events.publish(user_id, event)
        await outbox.send_job(session, job.id, DELIVER_NOTIFICATION, published=published)

    session.after_commit(deliver)
    return notification


def _mail_web_account(
    session: UnitOfWork, user: User, notification: Notification, language: Language
) -> None:
    """Someone who reported on the web has no app to be told in: the notice comes by mail,
    in their language, with their status link."""
    link = status_url(session.effects.settings, user)
    body = translate("mail.web.notice", language, message=notification.message, link=link)
    queue_mail(session, user.email, notification.title, body)


async def notify_all(
    session: UnitOfWork,
    user_ids: Iterable[uuid.UUID],
    kind: NotificationKind,
    text_key: str,
    *,
    params: dict[str, str] | None = None,
    item_id: uuid.UUID | None = None,
    match_id: uuid.UUID | None = None,
    event: dict[str, Any] | None = None,
) -> None:
    """The same notification to each of the users (once each, in their own language)."""
    for user_id in dict.fromkeys(user_ids):
        await notify(
            session,
            user_id,
            kind,
            text_key,
            params=params,
            item_id=item_id,
            match_id=match_id,
            event=event,
        )


async def list_notifications(
    session: UnitOfWork, user_id: uuid.UUID, page: int, page_size: int, unread_only: bool
) -> tuple[list[Notification], int, int]:
    """(page of notifications newest first, total matching, unread count)."""
    counts, rows = _listing(unread_only, page, page_size)
    total, unread = (await session.execute(counts, {"user_id": user_id})).one()
    notifications = await session.scalars(rows, {"user_id": user_id})
    return list(notifications), int(total or 0), int(unread or 0)


@functools.lru_cache(maxsize=64)
def _listing(
    unread_only: bool, page: int, page_size: int
) -> tuple[Select[int, int], Select[Notification]]:
    """(both counts in one statement, the page's rows), built once per kind of page: a
    statement used again is neither built nor given its cache key again."""
    live = (Notification.user_id == bindparam("user_id"), Notification.expires_at > func.now())
    unread = Notification.is_read.is_(False)
    counts = select(
        func.count().filter(unread) if unread_only else func.count(), func.count().filter(unread)
    ).where(*live)
    rows = (
        select(Notification)
        .where(*live, *((unread,) if unread_only else ()))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return counts, rows


async def mark_read(
    session: UnitOfWork, user_id: uuid.UUID, notification_id: uuid.UUID
) -> Notification:
    notification = await session.get(Notification, notification_id, with_for_update=True)
    if notification is None or notification.user_id != user_id:
        raise NotFound()
    if not notification.is_read:
        notification.is_read = True
        notification.read_at = datetime.now(UTC)
    return notification


async def mark_all_read(session: UnitOfWork, user_id: uuid.UUID) -> int:
    result = await session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.is_read.is_(False))
        .values(is_read=True, read_at=func.now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def unread_count(session: UnitOfWork, user_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.is_read.is_(False),
            Notification.expires_at > func.now(),
        )
    )
    return int(count or 0)


async def register_device(
    session: UnitOfWork,
    user_id: uuid.UUID,
    token: str,
    platform: str,
    app_version: str | None,
) -> tuple[DeviceToken, bool]:
    """(device, created). A token already known moves to this user: a phone belongs to
    whoever signed in on it last."""
    statement: Any = (
        insert(DeviceToken)
        .values(user_id=user_id, token=token, platform=platform, app_version=app_version)
        .on_conflict_do_update(
            index_elements=[DeviceToken.token],
            set_={
                "user_id": user_id,
                "platform": platform,
                "app_version": app_version,
                "last_seen_at": func.now(),
                "updated_at": func.now(),
            },
        )
        .returning(DeviceToken.id, literal_column("(xmax = 0)"))
    )
    device_id, created = (await session.execute(statement)).one()
    device = await session.get(DeviceToken, device_id, populate_existing=True)
    assert device is not None
    stale = (
        select(DeviceToken.id)
        .where(DeviceToken.user_id == user_id)
        .order_by(DeviceToken.last_seen_at.desc(), DeviceToken.created_at.desc())
        .offset(MAX_DEVICES_PER_USER)
    )
    await session.execute(delete(DeviceToken).where(DeviceToken.id.in_(stale)))
    return device, bool(created)


async def remove_device(session: UnitOfWork, user_id: uuid.UUID, token: str) -> None:
    result = await session.execute(
        delete(DeviceToken).where(DeviceToken.token == token, DeviceToken.user_id == user_id)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFound()


async def delete_expired(session: UnitOfWork) -> int:
    result = await session.execute(
        delete(Notification).where(Notification.expires_at <= func.now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
