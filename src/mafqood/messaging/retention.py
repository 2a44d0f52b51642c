"""Threads end READ_ONLY_DAYS after one of their reports was closed or handed over: until then
both sides can read them (threads.py answers 404 after), then a periodic job deletes them
with their photos."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import aliased

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim, Match
from mafqood.messaging.models import Message, MessageThread
from mafqood.messaging.threads import ENDED, READ_ONLY_DAYS
from mafqood.photos.service import photo_keys


async def purge_ended(uow: UnitOfWork) -> tuple[int, list[str]]:
    """Deletes the threads that ended; returns how many and the storage keys of their
    photos, for the caller to delete once this has committed."""
    cutoff = func.now() - timedelta(days=READ_ONLY_DAYS)
    report = aliased(Item)
    ended = report.status.in_(ENDED) & (report.updated_at < cutoff)
    of_match = exists(
        select(Match.id)
        .join(report, or_(report.id == Match.user_item_id, report.id == Match.matched_item_id))
        .where(Match.id == MessageThread.match_id, ended)
    )
    of_claim = exists(
        select(Claim.id)
        .join(report, report.id == Claim.item_id)
        .where(Claim.id == MessageThread.claim_id, ended)
    )
    gone = select(MessageThread.id).where(or_(of_match, of_claim))
    bases = await uow.scalars(
        select(func.unnest(Message.photo_keys)).where(Message.thread_id.in_(gone))
    )
    keys = [key for base in bases for key in photo_keys(base)]
    result = await uow.execute(delete(MessageThread).where(MessageThread.id.in_(gone)))
    return int(result.rowcount), keys  # type: ignore[attr-defined]
