"""How far the vision workers are behind: reports waiting for their analysis."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_seconds: float


async def analysis_backlog(session: UnitOfWork) -> Backlog:
    """Served by the partial index on pending reports, however many reports there are."""
    row = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.extract("epoch", func.now() - func.min(Item.created_at)), 0),
            ).where(Item.analysis_status == "pending")
        )
    ).one()
    return Backlog(pending=int(row[0]), oldest_seconds=float(row[1]))
