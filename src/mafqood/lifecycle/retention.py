"""Which of a venue's found items are past their holding period (venues.holding), and the
daily notice of them to the venue's members. Their disposal is `disposal`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import ColumnElement, Integer, and_, case, cast, exists, func, select

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.models import Disposal, Handover
from mafqood.lifecycle.ports import NoticeServices
from mafqood.lifecycle.statuses import HELD
from mafqood.notifications.service import notify_all
from mafqood.venues.holding import DEFAULT_RETENTION_DAYS
from mafqood.venues.models import Venue, VenueMember

log = structlog.get_logger(__name__)

# The notice goes out at most once a day per venue (the key lives past the day's end, so a
# run shortly after midnight UTC cannot see yesterday's as today's).
NOTICE_DAY_KEY = "retention:notice:{venue}:{day}"
NOTICE_DAY_TTL = timedelta(days=2)
# When the venue was last told; items due since then make the next notice. Lost with Redis,
# it falls back to the last day, so a flush never re-announces an old backlog.
NOTICED_KEY = "retention:noticed:{venue}"
NOTICED_TTL = timedelta(days=400)


def held_days() -> ColumnElement[Any]:
    """Days an item is held, per its category and its venue (query joined to venues)."""
    default = case(
        DEFAULT_RETENTION_DAYS, value=Item.category, else_=DEFAULT_RETENTION_DAYS["other"]
    )
    override = cast(Venue.retention_days.op("->>")(Item.category), Integer)
    return func.coalesce(override, default)


def due_at() -> ColumnElement[datetime]:
    days: ColumnElement[Any] = held_days()
    return Item.created_at + func.make_interval(0, 0, 0, days)


def still_held() -> ColumnElement[bool]:
    """At the desk: neither handed over nor disposed of, nor closed or claimed."""
    return and_(
        Item.status.in_(HELD),
        ~exists().where(Disposal.item_id == Item.id),
        ~exists().where(Handover.item_id == Item.id),
    )


async def due_page(
    session: UnitOfWork, venue: Venue, page: int, page_size: int
) -> tuple[list[tuple[Item, datetime, int]], int]:
    """(items past their period with their due date and held days, most overdue first; total)."""
    due = due_at()
    statement = (
        select(Item, due.label("due_at"), held_days().label("days"))
        .join(Venue, Venue.id == Item.venue_id)
        .where(Venue.id == venue.id, still_held(), due <= func.now())
    )
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = await session.execute(
        statement.order_by(due, Item.id).offset((page - 1) * page_size).limit(page_size)
    )
    return [(item, at, days) for item, at, days in rows], int(total or 0)


async def is_due(session: UnitOfWork, item: Item) -> bool:
    due = await session.scalar(
        select(due_at() <= func.now())
        .join(Venue, Venue.id == Item.venue_id)
        .where(Item.id == item.id)
    )
    return bool(due)


async def send_due_notices(container: NoticeServices) -> int:
    """Tell the members of every venue with items newly past their period (since its last
    notice), once a day at most. Returns how many venues were told."""
    async with container.sessionmaker() as session:
        # The database's clock, the one that due dates are compared with.
        clock = await session.scalar(select(func.now()))
        assert clock is not None
        now = clock.astimezone(UTC)
        due = due_at()
        rows = await session.execute(
            select(Venue.id, Venue.name, func.count(), func.max(due))
            .select_from(Item)
            .join(Venue, Venue.id == Item.venue_id)
            .where(still_held(), due <= now)
            .group_by(Venue.id)
        )
        venues = list(rows)
    told = 0
    for venue_id, name, count, latest_due in venues:
        if await _notice(container, venue_id, name, count, latest_due, now):
            told += 1
    if told:
        log.info("retention_notices_sent", venues=told)
    return told


async def _notice(
    container: NoticeServices,
    venue_id: uuid.UUID,
    name: str,
    count: int,
    latest_due: datetime,
    now: datetime,
) -> bool:
    redis = container.redis
    noticed = await redis.get(NOTICED_KEY.format(venue=venue_id))
    if isinstance(noticed, bytes):
        noticed = noticed.decode()
    since = datetime.fromisoformat(noticed) if noticed else now - timedelta(days=1)
    if latest_due <= since:
        return False
    day_key = NOTICE_DAY_KEY.format(venue=venue_id, day=now.date().isoformat())
    if not await redis.set(day_key, "1", nx=True, ex=NOTICE_DAY_TTL):
        return False
    try:
        async with container.sessionmaker() as session:
            members = await session.scalars(
                select(VenueMember.user_id).where(VenueMember.venue_id == venue_id)
            )
            await notify_all(
                session,
                members.all(),
                "system",
                "notify.retention_due",
                params={"count": str(count), "venue": name},
                event={"type": "retention_due", "venue_id": str(venue_id), "count": count},
            )
            await session.commit()
    except BaseException:
        # Not told: a later run today may try again.
        await redis.delete(day_key)
        raise
    await redis.set(NOTICED_KEY.format(venue=venue_id), now.isoformat(), ex=NOTICED_TTL)
    return True
