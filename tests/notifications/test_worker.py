"""Delivery through a real Celery worker (subprocess) against the fake FCM server."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select, update

from mafqood.composition.container import Container
from mafqood.notifications.models import DeviceToken, Notification
from mafqood.notifications.service import notify
from mafqood.realtime import events
from mafqood.worker.app import DRAIN_OUTBOX, EXPIRE_NOTIFICATIONS
from mafqood.worker.mail import queue_mail
from mafqood.worker.outbox import OutboxJob
from tests.conftest import Mailbox, Servers, make_settings
from tests.factories import register, wait_for
from tests.notifications.conftest import (
    FakeFcm,
    LiveApi,
    add_device,
    insert_item,
    insert_match,
    notification,
    pending_jobs,
)
from tests.notifications.test_realtime import next_event, open_socket
from tests.workers import WorkerProcess


async def pushed(container: Container, notification_id: uuid.UUID) -> bool:
    return (await notification(container, notification_id)).push_sent


async def _notify_rejection(container: Container, owner_id: str) -> Notification:
    """One committed notification for the owner, which the worker then pushes."""
    async with container.sessionmaker() as session:
        row = await notify(
            session,
            uuid.UUID(owner_id),
            "update",
            "notify.match_rejected",
            params={"item_title": "Bag"},
        )
        await session.commit()
    return row


async def all_pushed(container: Container, ids: list[uuid.UUID]) -> bool:
    async with container.sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.id.in_(ids), Notification.push_sent.is_(True))
        )
    return count == len(ids)


async def test_match_reaches_both_owners_by_socket_and_push(
    client: httpx.AsyncClient,
    container: Container,
    live_apis: list[LiveApi],
    worker: WorkerProcess,
    fcm: FakeFcm,
) -> None:
    loser = await register(client, full_name="Ahmad Ali")
    finder = await register(client, full_name="Sara Khan", preferred_language="ar")
    await add_device(container, loser.id, "loser-phone")
    await add_device(container, finder.id, "finder-phone")
    lost_id = await insert_item(container, loser.id, "lost", "Black iPhone 14 Pro")
    found_id = await insert_item(container, finder.id, "found", "iPhone found")
    match_id = await insert_match(container, lost_id, found_id, 0.87)
    # Each owner listens on a different API instance.
    loser_socket = await open_socket(live_apis[0], loser)
    finder_socket = await open_socket(live_apis[1], finder)

    # What matching does when it creates a match: one transaction, both owners.
    async with container.sessionmaker() as session:
        rows = []
        for account, own_item, title in (
            (loser, lost_id, "Black iPhone 14 Pro"),
            (finder, found_id, "iPhone found"),
        ):
            rows.append(
                await notify(
                    session,
                    uuid.UUID(account.id),
                    "match",
                    "notify.new_match",
                    params={"item_title": title, "confidence": "high"},
                    item_id=own_item,
                    match_id=match_id,
                    event=events.new_match(match_id, own_item, 0.87, "high"),
                )
            )
        await session.commit()

    loser_event = await next_event(loser_socket)
    finder_event = await next_event(finder_socket)
    assert loser_event["type"] == "new_match"
    assert loser_event["match"] == {
        "id": str(match_id),
        "item_id": str(lost_id),
        "similarity": 0.87,
        "confidence": "high",
    }
    assert finder_event["match"]["item_id"] == str(found_id)
    assert finder_event["notification"]["title"] == "تم العثور على تطابق جديد!"

    await wait_for(lambda: all_pushed(container, [r.id for r in rows]))
    [to_loser] = fcm.sent_to("loser-phone")
    [to_finder] = fcm.sent_to("finder-phone")
    assert to_loser["notification"] == {
        "title": "New match found!",
        "body": "We found a possible match for your Black iPhone 14 Pro (high confidence).",
    }
    assert to_loser["data"] == {
        "notification_id": str(rows[0].id),
        "type": "match",
        "item_id": str(lost_id),
        "match_id": str(match_id),
    }
    assert to_loser["android"]["priority"] == "high"
    assert to_loser["apns"]["payload"]["aps"] == {"sound": "default", "badge": 1}
    assert to_finder["notification"]["title"] == "تم العثور على تطابق جديد!"
    delivered = await notification(container, rows[0].id)
    assert delivered.push_sent_at is not None
    assert await pending_jobs(container) == 0
    await loser_socket.close()
    await finder_socket.close()


async def test_unregistered_token_is_removed(
    client: httpx.AsyncClient, container: Container, worker: WorkerProcess, fcm: FakeFcm
) -> None:
    owner = await register(client)
    await add_device(container, owner.id, "old-install")
    await add_device(container, owner.id, "current-phone")
    fcm.unregistered.add("old-install")
    row = await _notify_rejection(container, owner.id)
    await wait_for(lambda: pushed(container, row.id))

    async def tokens() -> set[str]:
        async with container.sessionmaker() as session:
            return set(await session.scalars(select(DeviceToken.token)))

    assert await wait_for(lambda: _equals(tokens, {"current-phone"}))
    assert len(fcm.sent_to("current-phone")) == 1
    assert ("old-install", 404) in fcm.attempts
    assert await pending_jobs(container) == 0


async def _equals(read: object, expected: object) -> bool:
    return bool(await read() == expected)  # type: ignore[operator]


async def test_rate_limits_and_server_errors_are_retried_with_backoff(
    client: httpx.AsyncClient, container: Container, worker: WorkerProcess, fcm: FakeFcm
) -> None:
    owner = await register(client)
    await add_device(container, owner.id, "busy-phone")
    # More failures than one send tries (4): the task itself is retried later.
    fcm.failures.extend(
        [(429, {"Retry-After": "0"}), (503, {}), (500, {}), (503, {}), (502, {}), (429, {})]
    )
    row = await _notify_rejection(container, owner.id)
    await wait_for(lambda: pushed(container, row.id), timeout=30)
    assert [status for _, status in fcm.attempts] == [429, 503, 500, 503, 502, 429, 200]
    assert len(fcm.sent_to("busy-phone")) == 1
    assert await pending_jobs(container) == 0


async def test_nothing_is_lost_when_redis_is_down_at_commit(
    client: httpx.AsyncClient,
    container: Container,
    servers: Servers,
    live_apis: list[LiveApi],
    worker: WorkerProcess,
    fcm: FakeFcm,
) -> None:
    owner = await register(client)
    await add_device(container, owner.id, "phone")
    socket = await open_socket(live_apis[0], owner)
    # An API process whose Redis is unreachable: the commit succeeds, the event and the
    # task message cannot go out.
    from mafqood.core.embedded import free_port

    cut_off = Container.build(
        make_settings(servers), servers.database_url, f"redis://127.0.0.1:{free_port()}/0"
    )
    async with cut_off.sessionmaker() as session:
        row = await notify(
            session,
            uuid.UUID(owner.id),
            "update",
            "notify.item_status",
            params={"item_title": "Keys", "status": "closed"},
            event=events.item_status(uuid.uuid4(), "closed"),
        )
        await session.commit()
    await cut_off.close()
    assert await pending_jobs(container) == 1
    await asyncio.sleep(0.5)
    assert fcm.sent == []

    # Later, the drain (sent by beat) finds the job once it is due.
    await _make_due(container)
    await container.tasks.send(DRAIN_OUTBOX, [])
    received = await next_event(socket, timeout=20)
    assert received["type"] == "item_status"
    assert received["notification"]["id"] == str(row.id)
    await wait_for(lambda: pushed(container, row.id))
    assert await wait_for(lambda: _no_jobs(container))
    await socket.close()


async def _no_jobs(container: Container) -> bool:
    return await pending_jobs(container) == 0


async def _make_due(container: Container) -> None:
    """Time passes: every waiting job is due now."""
    async with container.sessionmaker() as session:
        await session.execute(update(OutboxJob).values(available_at=func.now()))
        await session.commit()


async def test_worker_killed_mid_queue_loses_nothing(
    client: httpx.AsyncClient, container: Container, worker: WorkerProcess, fcm: FakeFcm
) -> None:
    fcm.delay_s = 0.25
    accounts = [await register(client) for _ in range(8)]
    for account in accounts:
        await add_device(container, account.id, f"phone-{account.id}")
    async with container.sessionmaker() as session:
        ids = [
            (
                await notify(
                    session,
                    uuid.UUID(account.id),
                    "update",
                    "notify.match_rejected",
                    params={"item_title": "Umbrella"},
                )
            ).id
            for account in accounts
        ]
        await session.commit()

    await wait_for(lambda: _sent_at_least(fcm, 2), interval=0.02)
    worker.kill()  # SIGKILL: no chance to finish or hand back anything
    done_before = len(fcm.sent)
    assert done_before < len(accounts)

    worker.start()
    await worker.ready(container)
    # Messages still queued are consumed by the new worker; the one that was in flight is
    # sent again by the drain once it is due.
    await _make_due(container)
    await container.tasks.send(DRAIN_OUTBOX, [])
    await wait_for(lambda: all_pushed(container, ids), timeout=40)
    for account in accounts:
        assert fcm.sent_to(f"phone-{account.id}"), account.id
    assert await wait_for(lambda: _no_jobs(container))


async def _sent_at_least(fcm: FakeFcm, count: int) -> bool:
    return len(fcm.sent) >= count


async def test_worker_stopped_gracefully_then_restarted_delivers_the_queue(
    client: httpx.AsyncClient, container: Container, worker: WorkerProcess, fcm: FakeFcm
) -> None:
    worker.stop()
    owner = await register(client)
    await add_device(container, owner.id, "phone")
    async with container.sessionmaker() as session:
        ids = [
            (
                await notify(
                    session,
                    uuid.UUID(owner.id),
                    "update",
                    "notify.match_rejected",
                    params={"item_title": f"Item {n}"},
                )
            ).id
            for n in range(3)
        ]
        await session.commit()
    await asyncio.sleep(0.3)
    assert fcm.sent == []
    worker.start()
    await worker.ready(container)
    await wait_for(lambda: all_pushed(container, ids))
    assert len(fcm.sent_to("phone")) == 3


async def test_expired_notifications_are_removed_by_the_periodic_job(
    client: httpx.AsyncClient, container: Container, worker: WorkerProcess
) -> None:
    owner = await register(client)
    async with container.sessionmaker() as session:
        keep = await notify(
            session,
            uuid.UUID(owner.id),
            "system",
            "notify.match_rejected",
            params={"item_title": "A"},
        )
        old = await notify(
            session,
            uuid.UUID(owner.id),
            "system",
            "notify.match_rejected",
            params={"item_title": "B"},
        )
        await session.commit()
        await session.execute(
            update(Notification)
            .where(Notification.id == old.id)
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        await session.commit()
    await container.tasks.send(EXPIRE_NOTIFICATIONS, [])

    async def remaining() -> set[uuid.UUID]:
        async with container.sessionmaker() as session:
            return set(await session.scalars(select(Notification.id)))

    assert await wait_for(lambda: _equals(remaining, {keep.id}))


async def test_mail_is_sent_by_the_worker_after_commit(
    container: Container, worker: WorkerProcess, mailbox: Mailbox
) -> None:
    async with container.sessionmaker() as session:
        queue_mail(session, "never@example.com", "Rolled back", "-")
        await session.rollback()
    async with container.sessionmaker() as session:
        queue_mail(session, "sara@example.com", "Your item", "Someone found it.")
        await session.commit()

    async def delivered() -> bool:
        return len(mailbox.messages) >= 1

    await wait_for(delivered)
    [message] = mailbox.messages
    assert message["To"] == "sara@example.com" and message["Subject"] == "Your item"
    assert await wait_for(lambda: _no_jobs(container))
