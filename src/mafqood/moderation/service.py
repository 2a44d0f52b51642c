"""Item reports: one per user and item; an item reported by enough different users is hidden
from browsing and matching until a moderator reviews it."""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert

from mafqood.audit import service as audit
from mafqood.core.errors import Conflict, Forbidden, NotFound
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.moderation.models import ItemReport
from mafqood.observability.metrics import ITEM_REPORTS, ITEMS_HIDDEN
from mafqood.users.models import User

log = structlog.get_logger(__name__)


async def report_item(
    session: UnitOfWork,
    reporter: User,
    item_id: uuid.UUID,
    reason: str,
    details: str | None,
    hide_after: int,
    client: ClientInfo,
) -> ItemReport:
    # The item row is locked so that reports of one item are counted one after another:
    # two reports arriving together cannot both miss the threshold.
    item = await session.get(Item, item_id, with_for_update=True)
    if item is None or (item.is_hidden and item.user_id != reporter.id):
        raise NotFound()
    if item.user_id == reporter.id:
        raise Forbidden("cannot_report_own_item")
    created = await session.execute(
        insert(ItemReport)
        .values(item_id=item.id, reporter_id=reporter.id, reason=reason, details=details)
        .on_conflict_do_nothing()
        .returning(ItemReport.id)
    )
    report_id = created.scalar_one_or_none()
    if report_id is None:
        raise Conflict("already_reported")
    pending = await session.scalar(
        select(func.count())
        .select_from(ItemReport)
        .where(ItemReport.item_id == item.id, ItemReport.reviewed_at.is_(None))
    )
    hide = not item.is_hidden and int(pending or 0) >= hide_after
    await session.execute(
        update(Item)
        .where(Item.id == item.id)
        .values(reported_count=Item.reported_count + 1, **({"is_hidden": True} if hide else {}))
    )
    ITEM_REPORTS.inc()
    audit.record(
        session,
        "item_reported",
        client,
        user_id=reporter.id,
        entity_type="item",
        entity_id=item.id,
        data={"reason": reason},
    )
    if hide:
        ITEMS_HIDDEN.inc()
        log.info("item_hidden", item_id=str(item.id), reports=pending)
        audit.record(
            session,
            "item_hidden",
            client,
            entity_type="item",
            entity_id=item.id,
            data={"reports": int(pending or 0)},
        )
    report = await session.get(ItemReport, report_id)
    assert report is not None
    return report


async def hidden_items(session: UnitOfWork, limit: int) -> list[tuple[Item, list[str]]]:
    items = (
        await session.execute(
            select(Item)
            .where(Item.is_hidden.is_(True))
            .order_by(Item.updated_at.desc())
            .limit(limit)
        )
    ).scalars()
    found: list[tuple[Item, list[str]]] = []
    for item in items:
        reasons = await session.execute(
            select(ItemReport.reason).where(ItemReport.item_id == item.id).distinct()
        )
        found.append((item, sorted(reasons.scalars())))
    return found


async def mark_reviewed(session: UnitOfWork, item: Item) -> None:
    """The item's reports are settled: they no longer count towards hiding it again."""
    await session.execute(
        update(ItemReport)
        .where(ItemReport.item_id == item.id, ItemReport.reviewed_at.is_(None))
        .values(reviewed_at=func.now())
    )
    item.is_hidden = False
    await session.flush()
