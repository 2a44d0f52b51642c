"""A user's messages in their data export, and what their account's deletion does to them:
messages in threads that go with the account's reports and claims are deleted with those
threads; messages the user sent elsewhere (as a venue's member) stay as "deleted", without
text or photos, so the other side's thread keeps its order; other people's notices of the
user's messages are deleted."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, cast, delete, func, or_, select, update

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle.models import Claim, Match
from mafqood.messaging.models import Message, MessageReport, MessageThread
from mafqood.messaging.presenters import photos_out
from mafqood.notifications.models import Notification
from mafqood.photos.service import photo_keys


async def exported(uow: UnitOfWork, user_id: uuid.UUID, base_url: str) -> dict[str, Any]:
    """The messages the user sent and the reports of messages they filed."""
    sent = await uow.scalars(
        select(Message).where(Message.sender_id == user_id).order_by(Message.created_at)
    )
    reports = await uow.scalars(
        select(MessageReport)
        .where(MessageReport.reporter_id == user_id)
        .order_by(MessageReport.created_at)
    )
    return {
        "messages": [
            {
                "id": message.id,
                "thread_id": message.thread_id,
                "seq": message.seq,
                "side": message.sender_side,
                "client_id": message.client_id,
                "text": message.body if message.removed_at is None else None,
                "photos": [p.model_dump() for p in photos_out(base_url, message.photo_keys)],
                "removed_at": message.removed_at,
                "created_at": message.created_at,
            }
            for message in sent
        ],
        "message_reports": [
            {
                "id": report.id,
                "message_id": report.message_id,
                "reason": report.reason,
                "details": report.details,
                "created_at": report.created_at,
            }
            for report in reports
        ],
    }


async def forget(uow: UnitOfWork, user_id: uuid.UUID) -> list[str]:
    """Blank the user's messages; returns the storage keys of every message photo that the
    deletion removes (theirs, and those of threads that go with their reports and claims),
    for the caller to delete once it has committed."""
    own_items = select(Item.id).where(Item.user_id == user_id)
    matches = select(Match.id).where(
        or_(Match.user_item_id.in_(own_items), Match.matched_item_id.in_(own_items))
    )
    claims = select(Claim.id).where(or_(Claim.claimant_id == user_id, Claim.item_id.in_(own_items)))
    going = select(MessageThread.id).where(
        or_(MessageThread.match_id.in_(matches), MessageThread.claim_id.in_(claims))
    )
    bases = await uow.scalars(
        select(func.unnest(Message.photo_keys)).where(
            or_(Message.sender_id == user_id, Message.thread_id.in_(going))
        )
    )
    keys = [key for base in bases for key in photo_keys(base)]
    # Other people's notices of the user's messages quote their name and text.
    params = Notification.data["params"]
    await uow.execute(
        delete(Notification).where(
            Notification.type == "message",
            or_(
                params["sender_id"].astext == str(user_id),
                params["thread_id"].astext.in_(select(cast(going.subquery().c.id, String))),
            ),
        )
    )
    await uow.execute(
        update(Message)
        .where(Message.sender_id == user_id)
        .values(body="", photo_keys=[], deleted_at=func.now())
    )
    return keys
