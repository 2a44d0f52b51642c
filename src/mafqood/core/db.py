"""Database engine, sessions and the declarative base shared by every domain's models."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import structlog
from sqlalchemy import MetaData, func, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TIMESTAMP

if TYPE_CHECKING:
    from mafqood.core.config import Settings
    from mafqood.moderation.nsfw import PhotoScreen
    from mafqood.realtime.bus import EventBus
    from mafqood.worker.sender import TaskSender

log = structlog.get_logger(__name__)
Hook = Callable[[], Awaitable[None]]


class Effects(Protocol):
    """What services reach beyond the database: events, background tasks, photo screening
    (the process's Container provides them)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def bus(self) -> EventBus: ...
    @property
    def tasks(self) -> TaskSender: ...
    @property
    def photo_screen(self) -> PhotoScreen: ...


class Session(AsyncSession):
    """The sessions of our sessionmakers: an AsyncSession that knows its Effects."""

    def __init__(self, *args: Any, effects: Effects | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.effects = effects


def effects_of(session: AsyncSession) -> Effects | None:
    """None for a session made elsewhere (a bare test session): side effects are skipped
    and the outbox drain does the work later."""
    return session.effects if isinstance(session, Session) else None


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: TIMESTAMP(timezone=True)}


def uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(primary_key=True, server_default=text("gen_random_uuid()"))


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


def async_url(url: str) -> str:
    """Accept plain postgres:// URLs too (what hosting providers hand out)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(async_url(url), **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=Session, expire_on_commit=False, autoflush=False)


def on_commit(session: AsyncSession, hook: Hook) -> None:
    """Run hook once the transaction has committed (publish events, delete files...)."""
    session.info.setdefault("on_commit", []).append(hook)


def on_rollback(session: AsyncSession, hook: Hook) -> None:
    """Run hook if the transaction is rolled back (undo writes made outside the database)."""
    session.info.setdefault("on_rollback", []).append(hook)


async def _run_hooks(session: AsyncSession, name: str) -> None:
    hooks: list[Hook] = session.info.pop(name, [])
    session.info.pop("on_rollback" if name == "on_commit" else "on_commit", None)
    for hook in hooks:
        try:
            await hook()
        except Exception:
            log.exception("transaction_hook_failed", hook=name)


async def commit(session: AsyncSession) -> None:
    await session.commit()
    await _run_hooks(session, "on_commit")


async def rollback(session: AsyncSession) -> None:
    await session.rollback()
    await _run_hooks(session, "on_rollback")


async def session_scope(
    maker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A request's unit of work: commit when the handler returns, roll back when it raises."""
    async with maker() as session:
        try:
            yield session
            await commit(session)
        except BaseException:
            await rollback(session)
            raise
