"""A person's web reports when their account is deleted: those still waiting for their
confirmation hold the name, address and description they typed, so they go too."""

from __future__ import annotations

from sqlalchemy import delete

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.public.models import WebReport


async def forget(uow: UnitOfWork, email: str) -> None:
    await uow.execute(delete(WebReport).where(WebReport.email == email.strip().lower()))
