"""The unit of work owns commit and rollback: effects after commit only, undo hooks on any
rollback (also a session closed without commit), refusal audit rows that outlive it, and an
error rather than a silent skip when it has no effects to reach."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mafqood.audit import service as audit
from mafqood.audit.models import AuditLog
from mafqood.composition.container import Container
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import MissingEffects, make_unit_of_work_factory

CLIENT = ClientInfo(ip="192.0.2.7", user_agent="tests")


async def _actions(container: Container) -> list[str]:
    async with container.sessionmaker() as uow:
        return list(await uow.scalars(select(AuditLog.action).order_by(AuditLog.action)))


async def test_after_commit_runs_only_when_committed(container: Container) -> None:
    ran: list[str] = []

    async def mark(name: str) -> None:
        ran.append(name)

    async with container.sessionmaker() as uow:
        uow.after_commit(lambda: mark("published"))
        uow.on_rollback(lambda: mark("undone"))
        await uow.commit()
    async with container.sessionmaker() as uow:
        uow.after_commit(lambda: mark("never"))
        uow.on_rollback(lambda: mark("undone after rollback"))
        await uow.rollback()
    async with container.sessionmaker() as uow:
        uow.on_rollback(lambda: mark("undone on close"))
    assert ran == ["published", "undone after rollback", "undone on close"]


async def test_refusals_are_audited_even_when_the_work_rolls_back(container: Container) -> None:
    async with container.sessionmaker() as uow:
        audit.record(uow, "refused_thing", CLIENT, status=403)
        audit.record(uow, "done_thing", CLIENT)
        await uow.rollback()
    assert await _actions(container) == ["refused_thing"]
    async with container.sessionmaker() as uow:
        audit.record(uow, "refused_again", CLIENT, status=401)
        await uow.commit()
    async with container.sessionmaker() as uow:
        count = await uow.scalar(select(func.count()).select_from(AuditLog))
    assert count == 2


async def test_a_unit_of_work_without_effects_refuses_to_cause_one(container: Container) -> None:
    bare = make_unit_of_work_factory(container.engine)
    async with bare() as uow:
        with pytest.raises(MissingEffects):
            _ = uow.effects
