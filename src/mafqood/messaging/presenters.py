"""Threads and messages as one participant may see them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.messaging.masking import mask
from mafqood.messaging.models import Message, MessageRead
from mafqood.messaging.schemas import MessageOut, MessagePhotoOut, ThreadOut
from mafqood.messaging.threads import Party, Place
from mafqood.photos.service import photo_urls_under
from mafqood.users.models import User


def photos_out(base_url: str, keys: Iterable[str]) -> list[MessagePhotoOut]:
    result = []
    for key in keys:
        url, thumbnail, small = photo_urls_under(base_url, key)
        result.append(MessagePhotoOut(url=url, thumbnail_url=thumbnail, small_thumbnail_url=small))
    return result


def message_out(
    message: Message,
    reader: Party,
    shared: bool,
    base_url: str,
    names: dict[uuid.UUID, str],
    other_read_seq: int = 0,
) -> MessageOut:
    """The message for a reader on `reader`'s side: the other side's text masked until
    contacts are shared; nothing of a removed message or of a deleted sender's."""
    mine = message.sender_side == reader
    state = "sent"
    text: str | None = message.body
    masked: list[str] = []
    if message.deleted_at is not None:
        state, text = "deleted", None
    elif message.removed_at is not None:
        state, text = "removed", None
    elif not mine and not shared and text:
        hidden = mask(text)
        text, masked = hidden.text, list(hidden.kinds)
    return MessageOut.model_validate(
        {
            "id": message.id,
            "thread_id": message.thread_id,
            "seq": message.seq,
            "side": message.sender_side,
            "mine": mine,
            "sender_name": names.get(message.sender_id) if message.sender_id else None,
            "text": text,
            "masked": masked,
            "photos": photos_out(base_url, message.photo_keys) if state == "sent" else [],
            "client_id": message.client_id if mine else None,
            "state": state,
            "read_by_other_side": mine and message.seq <= other_read_seq,
            "created_at": message.created_at,
        }
    )


async def sender_names(uow: UnitOfWork, messages: Iterable[Message]) -> dict[uuid.UUID, str]:
    ids = {message.sender_id for message in messages if message.sender_id is not None}
    if not ids:
        return {}
    rows = await uow.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows.all()}


async def read_seq(uow: UnitOfWork, thread_id: uuid.UUID, users: list[uuid.UUID]) -> int:
    """How far the furthest of `users` has read the thread."""
    value = await uow.scalar(
        select(func.max(MessageRead.last_read_seq)).where(
            MessageRead.thread_id == thread_id, MessageRead.user_id.in_(users)
        )
    )
    return int(value or 0)


async def unread(uow: UnitOfWork, place: Place, last_read: int) -> int:
    count = await uow.scalar(
        select(func.count())
        .select_from(Message)
        .where(
            Message.thread_id == place.thread.id,
            Message.seq > last_read,
            Message.sender_side == place.party.other,
        )
    )
    return int(count or 0)


async def thread_out(uow: UnitOfWork, place: Place, viewer: User, base_url: str) -> ThreadOut:
    thread = place.thread
    others = await place.members(uow, place.party.other)
    other_read = await read_seq(uow, thread.id, others)
    mine = await read_seq(uow, thread.id, [viewer.id])
    last = await uow.scalar(
        select(Message).where(Message.thread_id == thread.id).order_by(Message.seq.desc()).limit(1)
    )
    last_out = None
    if last is not None:
        names = await sender_names(uow, [last])
        last_out = message_out(last, place.party, place.shared, base_url, names, other_read)
    return ThreadOut(
        id=thread.id,
        match_id=thread.match_id,
        claim_id=thread.claim_id,
        item_id=place.found.id,
        lost_item_id=place.lost.id if place.lost is not None else None,
        title=place.found.title,
        my_side=place.party.value,
        contacts_shared=place.shared,
        read_only=place.read_only,
        blocked_by_me=thread.blocked_side == place.party,
        last_seq=thread.last_seq,
        last_message_at=thread.last_message_at,
        my_last_read_seq=mine,
        other_side_read_seq=other_read,
        unread_count=await unread(uow, place, mine),
        last_message=last_out,
    )
