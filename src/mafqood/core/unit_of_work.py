"""The unit of work: one database transaction and what must happen because of it.

Every session our sessionmakers make is a `UnitOfWork`. It owns commit and rollback, whoever
calls them: a commit runs the queued after-commit effects, a rollback (or closing without a
commit) runs the undo hooks (files written outside the database) and writes again the rows
marked to survive it (audit rows of refused attempts). Effects are of two kinds, chosen
explicitly by the caller: durable ones are outbox rows written in the transaction itself
(the worker package's `enqueue`), best-effort ones (pub/sub) are hooks run after commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mafqood.core.config import Settings

log = structlog.get_logger(__name__)
Hook = Callable[[], Awaitable[None]]


class EventPublisher(Protocol):
    """Best-effort delivery of an event to one user's open connections."""

    async def publish(self, user_id: Any, event: dict[str, Any]) -> bool: ...


class TaskQueue(Protocol):
    """Hands a committed job to the workers; False when that failed (the drain retries)."""

    async def send(
        self, task: str, args: list[Any], kwargs: dict[str, Any] | None = None
    ) -> bool: ...


class Effects(Protocol):
    """What a unit of work reaches beyond the database (the process's Container)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def events(self) -> EventPublisher: ...
    @property
    def tasks(self) -> TaskQueue: ...


class MissingEffects(RuntimeError):
    """A unit of work made without the process's effects tried to cause one."""


class UnitOfWork(AsyncSession):
    def __init__(self, *args: Any, effects: Effects | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._effects = effects
        self._after_commit: list[Hook] = []
        self._undo: list[Hook] = []
        self._survivors: list[Any] = []

    @property
    def effects(self) -> Effects:
        if self._effects is None:
            raise MissingEffects("this unit of work was made without the process's effects")
        return self._effects

    def after_commit(self, hook: Hook) -> None:
        """Run hook once the transaction has committed (publish events, delete files...)."""
        self._after_commit.append(hook)

    def on_rollback(self, hook: Hook) -> None:
        """Run hook if the transaction is rolled back (undo writes made outside it)."""
        self._undo.append(hook)

    def add_surviving_rollback(self, row: Any) -> None:
        """Add a row that is kept even if this transaction rolls back (written again in a
        transaction of its own): the audit row of a refused attempt."""
        self.add(row)
        self._survivors.append(row)

    async def commit(self) -> None:
        await super().commit()
        hooks, self._after_commit, self._undo, self._survivors = self._after_commit, [], [], []
        await _run(hooks, "after_commit")

    async def rollback(self) -> None:
        await super().rollback()
        await self._rolled_back()

    async def close(self) -> None:
        pending = bool(self._undo or self._survivors)
        await super().close()
        if pending:
            await self._rolled_back()

    async def _rolled_back(self) -> None:
        undo, survivors = self._undo, self._survivors
        self._after_commit, self._undo, self._survivors = [], [], []
        await _run(undo, "on_rollback")
        if survivors:
            await self._write_again(survivors)

    async def _write_again(self, rows: list[Any]) -> None:
        try:
            async with AsyncSession(self.bind, expire_on_commit=False) as session:
                for row in rows:
                    await session.merge(row)
                await session.commit()
        except Exception:
            log.exception("surviving_rows_lost", count=len(rows))


async def _run(hooks: list[Hook], name: str) -> None:
    for hook in hooks:
        try:
            await hook()
        except Exception:
            log.exception("transaction_hook_failed", hook=name)


def make_unit_of_work_factory(
    engine: Any, effects: Effects | None = None
) -> async_sessionmaker[UnitOfWork]:
    return async_sessionmaker(
        engine, class_=UnitOfWork, expire_on_commit=False, autoflush=False, effects=effects
    )


async def unit_of_work_scope(
    maker: async_sessionmaker[UnitOfWork],
) -> AsyncIterator[UnitOfWork]:
    """A request's unit of work: commit when the handler returns, roll back when it raises."""
    async with maker() as uow:
        try:
            yield uow
            await uow.commit()
        except BaseException:
            await uow.rollback()
            raise
