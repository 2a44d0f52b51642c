"""Threads, their messages, how far each participant read, and reports of messages.
Constraints live in the migration (see 0015)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from mafqood.core.db import Base


class MessageThread(Base):
    """The conversation of one match or of one claim (exactly one of the two)."""

    __tablename__ = "message_threads"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    match_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("matches.id", ondelete="CASCADE"), unique=True
    )
    claim_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), unique=True
    )
    # Number of the thread's latest message: each message takes the next one while the thread
    # row is locked, so numbers appear in the order their messages commit (the `since` cursor
    # never skips one).
    last_seq: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    last_message_at: Mapped[datetime | None]
    blocked_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    blocked_side: Mapped[str | None] = mapped_column(String(6))
    blocked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    thread_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("message_threads.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(BigInteger)
    sender_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "owner": the lost report's owner or the claimant; "finder": the found report's side.
    sender_side: Mapped[str] = mapped_column(String(6))
    client_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    photo_keys: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    # Removed by a moderator, or its sender's account deleted: the row stays (the thread's
    # numbering and the other side's view), its text and photos are gone.
    removed_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class MessageRead(Base):
    """How far one participant has read a thread."""

    __tablename__ = "message_reads"

    thread_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("message_threads.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_read_seq: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    read_at: Mapped[datetime] = mapped_column(server_default=func.now())


class MessageReport(Base):
    __tablename__ = "message_reports"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    reviewed_at: Mapped[datetime | None]
