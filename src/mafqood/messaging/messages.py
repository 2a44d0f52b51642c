"""Sending, reading and blocking: the use cases of a thread.

A message is stored, numbered, before anyone hears of it: the other side's notification (its
row, WebSocket event and push, in the recipient's language) is written in the same
transaction and delivered once it commits, like every notice. A client that lost its socket
asks for what came `since` the last number it saw. A client that repeats a send (same
`client_id`) gets the stored message back, however many copies race.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert

from mafqood.core.errors import Conflict, FieldError, NotFound, RateLimited
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.messaging import presenters
from mafqood.messaging.models import Message, MessageRead
from mafqood.messaging.ports import MessageServices
from mafqood.messaging.schemas import MAX_PHOTOS, MAX_TEXT
from mafqood.messaging.threads import Party, Place, place_in
from mafqood.notifications.models import Notification
from mafqood.notifications.service import notify_all
from mafqood.photos.processing import ProcessedPhoto
from mafqood.photos.service import store_photo
from mafqood.users.models import User

PREVIEW_CHARS = 120
PER_USER_WINDOW = timedelta(hours=1)
PER_THREAD_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class SendMessage:
    thread_id: uuid.UUID
    text: str
    client_id: str | None = None
    photos: tuple[ProcessedPhoto, ...] = ()


@dataclass(frozen=True)
class Sent:
    place: Place
    message: Message
    created: bool


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _check_text(place: Place, command: SendMessage) -> str:
    text = command.text.strip()
    if "\x00" in text:
        raise FieldError("text", "nul_character")
    if not text and not command.photos:
        raise FieldError("text", "missing")
    if len(text) > MAX_TEXT:
        raise FieldError("text", "string_too_long", max_length=MAX_TEXT)
    if len(command.photos) > MAX_PHOTOS:
        raise FieldError("photos", "too_many_photos", max_photos=MAX_PHOTOS)
    # The finder side must not answer the questions its own hidden details ask: whoever claims
    # the item would then learn what to say. Short details ("red") would refuse too much.
    hidden = _normalised(place.found.control_details or "")
    if place.party is Party.FINDER and len(hidden) >= 6 and hidden in _normalised(text):
        raise FieldError("text", "reveals_hidden_details")
    return text


async def _check_limits(
    uow: UnitOfWork, actor: User, place: Place, services: MessageServices
) -> None:
    """Per sender over all threads, and per thread (both sides): 429 with Retry-After, the
    time until the oldest counted message leaves its window. The thread's count is exact
    (its row is locked); the sender's may let one or two through under a burst across
    threads."""
    settings = services.settings
    checks = (
        (Message.sender_id == actor.id, PER_USER_WINDOW, settings.messages_per_user_per_hour),
        (
            Message.thread_id == place.thread.id,
            PER_THREAD_WINDOW,
            settings.messages_per_thread_per_day,
        ),
    )
    for where, window, limit in checks:
        oldest = await uow.scalar(
            select(Message.created_at)
            .where(where, Message.created_at >= func.now() - window)
            .order_by(Message.created_at.desc())
            .offset(limit - 1)
            .limit(1)
        )
        if oldest is not None:
            now = await uow.scalar(select(func.now()))
            assert now is not None
            raise RateLimited(
                "too_many_messages", retry_after=(oldest + window - now).total_seconds()
            )


async def _earlier(
    uow: UnitOfWork, actor: User, place: Place, client_id: str | None
) -> Message | None:
    if client_id is None:
        return None
    return await uow.scalar(
        select(Message).where(
            Message.thread_id == place.thread.id,
            Message.sender_id == actor.id,
            Message.client_id == client_id,
        )
    )


async def send(
    uow: UnitOfWork, actor: User, command: SendMessage, services: MessageServices
) -> Sent:
    # The thread's row is locked: messages of one thread are numbered one after another, and
    # a repeated client_id waits here for the first copy's commit, then finds it.
    place = await place_in(uow, actor, command.thread_id, lock=True)
    earlier = await _earlier(uow, actor, place, command.client_id)
    if earlier is not None:
        return Sent(place, earlier, False)
    if place.read_only is not None:
        raise Conflict(f"thread_{place.read_only}")
    text = _check_text(place, command)
    await _check_limits(uow, actor, place, services)
    thread = place.thread
    message_id = uuid.uuid4()
    keys = []
    for position, photo in enumerate(command.photos):
        key = f"messages/{thread.id}/{message_id}_{position}"
        await store_photo(uow, services.storage, services.photo_screening, photo, key)
        keys.append(key)
    thread.last_seq += 1
    thread.last_message_at = func.now()
    message = Message(
        id=message_id,
        thread_id=thread.id,
        seq=thread.last_seq,
        sender_id=actor.id,
        sender_side=place.party.value,
        client_id=command.client_id,
        body=text,
        photo_keys=keys,
    )
    uow.add(message)
    await uow.flush()
    await uow.refresh(message)
    await uow.refresh(thread)
    await _mark_read(uow, place, actor, thread.last_seq)
    await _announce(uow, place, actor, message, services.storage.base_url)
    return Sent(place, message, True)


async def _announce(
    uow: UnitOfWork, place: Place, actor: User, message: Message, base_url: str
) -> None:
    """The other side: a notification each (row, event, push); the sender's own side (a
    venue's other members, the sender's other devices): the event alone."""
    names = {actor.id: actor.full_name}
    theirs = message_event(
        place, presenters.message_out(message, place.party.other, place.shared, base_url, names)
    )
    preview = theirs["message"]["text"] or ""
    if len(preview) > PREVIEW_CHARS:
        preview = preview[: PREVIEW_CHARS - 1] + "…"
    await notify_all(
        uow,
        await place.members(uow, place.party.other),
        "message",
        "notify.new_message" if preview else "notify.new_photo_message",
        params={
            "sender_name": actor.full_name,
            "item_title": place.found.title,
            "preview": preview,
            "thread_id": str(place.thread.id),
            # Not shown: find the notices that quote a message when its sender's account goes
            # or a moderator removes it.
            "sender_id": str(actor.id),
            "message_id": str(message.id),
        },
        item_id=place.found.id,
        match_id=place.match.id if place.match is not None else None,
        event=theirs,
    )
    ours = message_event(
        place, presenters.message_out(message, place.party, place.shared, base_url, names)
    )
    await _tell(uow, await place.members(uow, place.party), ours)


def message_event(place: Place, message: Any) -> dict[str, Any]:
    return {
        "type": "new_message",
        "thread_id": str(place.thread.id),
        "match_id": str(place.match.id) if place.match is not None else None,
        "claim_id": str(place.claim.id) if place.claim is not None else None,
        "message": message.model_dump(mode="json"),
    }


async def _tell(uow: UnitOfWork, user_ids: list[uuid.UUID], event: dict[str, Any]) -> None:
    """A plain event (no notification) to each of the users once the change commits."""

    async def publish() -> None:
        for user_id in dict.fromkeys(user_ids):
            await uow.effects.events.publish(user_id, event)

    uow.after_commit(publish)


# -- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadMessages:
    thread_id: uuid.UUID
    since: int | None = None
    before: int | None = None
    limit: int = 50


@dataclass(frozen=True)
class MessagePage:
    place: Place
    messages: list[Message]
    has_more: bool
    names: dict[uuid.UUID, str]
    other_read_seq: int


async def read_messages(uow: UnitOfWork, actor: User, command: ReadMessages) -> MessagePage:
    """Newest first (older pages with `before`); with `since`, what came after that number,
    oldest first, so that a reconnecting client can append it in order."""
    place = await place_in(uow, actor, command.thread_id)
    statement = select(Message).where(Message.thread_id == place.thread.id)
    if command.since is not None:
        statement = statement.where(Message.seq > command.since).order_by(Message.seq)
    else:
        if command.before is not None:
            statement = statement.where(Message.seq < command.before)
        statement = statement.order_by(Message.seq.desc())
    rows = list(await uow.scalars(statement.limit(command.limit + 1)))
    has_more = len(rows) > command.limit
    rows = rows[: command.limit]
    others = await place.members(uow, place.party.other)
    return MessagePage(
        place,
        rows,
        has_more,
        await presenters.sender_names(uow, rows),
        await presenters.read_seq(uow, place.thread.id, others),
    )


@dataclass(frozen=True)
class MarkRead:
    thread_id: uuid.UUID
    up_to: int


async def mark_read(uow: UnitOfWork, actor: User, command: MarkRead) -> Place:
    """Read receipt: the reader's side and the other side's sockets hear how far they read;
    the reader's notifications of the thread's messages are marked read."""
    place = await place_in(uow, actor, command.thread_id)
    up_to = min(command.up_to, place.thread.last_seq)
    if await _mark_read(uow, place, actor, up_to):
        await uow.execute(
            update(Notification)
            .where(
                Notification.user_id == actor.id,
                Notification.type == "message",
                Notification.is_read.is_(False),
                Notification.data["params"]["thread_id"].astext == str(place.thread.id),
            )
            .values(is_read=True, read_at=func.now())
        )
        event = {
            "type": "messages_read",
            "thread_id": str(place.thread.id),
            "side": place.party.value,
            "up_to": up_to,
        }
        members = await place.members(uow, Party.OWNER) + await place.members(uow, Party.FINDER)
        await _tell(uow, [user_id for user_id in members if user_id != actor.id], event)
    return place


async def _mark_read(uow: UnitOfWork, place: Place, actor: User, up_to: int) -> bool:
    """Moves the reader's mark forward only; True when it moved."""
    statement = (
        insert(MessageRead)
        .values(thread_id=place.thread.id, user_id=actor.id, last_read_seq=up_to)
        .on_conflict_do_update(
            index_elements=[MessageRead.thread_id, MessageRead.user_id],
            set_={"last_read_seq": up_to, "read_at": func.now()},
            where=MessageRead.last_read_seq < up_to,
        )
        .returning(MessageRead.user_id)
    )
    return (await uow.execute(statement)).first() is not None


# -- blocking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    thread_id: uuid.UUID
    blocked: bool = True


async def block(uow: UnitOfWork, actor: User, command: Block) -> Place:
    """Either side closes the thread for both (the match or claim goes on); only the side
    that blocked can open it again."""
    place = await place_in(uow, actor, command.thread_id, lock=True)
    thread = place.thread
    if command.blocked:
        if thread.blocked_at is not None:
            raise Conflict("thread_already_blocked")
        thread.blocked_by, thread.blocked_side = actor.id, place.party.value
        thread.blocked_at = func.now()
    else:
        if thread.blocked_side != place.party:
            raise Conflict("thread_not_blocked_by_you")
        thread.blocked_by = thread.blocked_side = thread.blocked_at = None
    await uow.flush()
    await uow.refresh(thread)
    event = {
        "type": "thread_blocked" if command.blocked else "thread_unblocked",
        "thread_id": str(thread.id),
        "side": place.party.value,
    }
    members = await place.members(uow, Party.OWNER) + await place.members(uow, Party.FINDER)
    await _tell(uow, [user_id for user_id in members if user_id != actor.id], event)
    return place


async def message_in(uow: UnitOfWork, actor: User, message_id: uuid.UUID) -> tuple[Place, Message]:
    """A message of a thread the actor takes part in, or 404."""
    message = await uow.get(Message, message_id)
    if message is None:
        raise NotFound()
    return await place_in(uow, actor, message.thread_id), message
