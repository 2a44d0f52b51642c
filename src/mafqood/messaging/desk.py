"""What a venue's dashboard shows of its threads: the latest messages of each claim or match
that has a thread, as the finder side sees them. Reading makes no thread."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from mafqood.core.errors import NotFound
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.messaging import presenters
from mafqood.messaging.models import Message, MessageThread
from mafqood.messaging.schemas import MessageOut
from mafqood.messaging.threads import listed_place
from mafqood.users.models import User

SHOWN = 20


@dataclass(frozen=True)
class DeskThread:
    thread_id: uuid.UUID
    read_only: str | None
    messages: list[MessageOut]  # oldest first, the last SHOWN


async def claim_threads(
    uow: UnitOfWork, user: User, claim_ids: Iterable[uuid.UUID], base_url: str
) -> dict[uuid.UUID, DeskThread]:
    """By claim id; a claim without a thread (or one the user may not see) is left out."""
    return await _threads(uow, user, MessageThread.claim_id, claim_ids, base_url)


async def match_threads(
    uow: UnitOfWork, user: User, match_ids: Iterable[uuid.UUID], base_url: str
) -> dict[uuid.UUID, DeskThread]:
    """By match id, as claim_threads."""
    return await _threads(uow, user, MessageThread.match_id, match_ids, base_url)


async def _threads(
    uow: UnitOfWork,
    user: User,
    subject: InstrumentedAttribute[uuid.UUID | None],
    subject_ids: Iterable[uuid.UUID],
    base_url: str,
) -> dict[uuid.UUID, DeskThread]:
    ids = list(subject_ids)
    if not ids:
        return {}
    threads = await uow.execute(select(subject, MessageThread.id).where(subject.in_(ids)))
    shown: dict[uuid.UUID, DeskThread] = {}
    for subject_id, thread_id in threads.all():
        try:
            place = await listed_place(uow, user, thread_id)
        except NotFound:
            continue
        if place is None or subject_id is None:
            continue
        rows = list(
            await uow.scalars(
                select(Message)
                .where(Message.thread_id == thread_id)
                .order_by(Message.seq.desc())
                .limit(SHOWN)
            )
        )
        rows.reverse()
        names = await presenters.sender_names(uow, rows)
        others = await place.members(uow, place.party.other)
        other_read = await presenters.read_seq(uow, thread_id, others)
        shown[subject_id] = DeskThread(
            thread_id,
            place.read_only,
            [
                presenters.message_out(row, place.party, place.shared, base_url, names, other_read)
                for row in rows
            ],
        )
    return shown
