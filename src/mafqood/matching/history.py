"""GET /api/v1/history: a user's own reports, newest first, each with its matches."""

from __future__ import annotations

from dataclasses import dataclass

from mafqood.core.pagination import Page
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items import service as items
from mafqood.items.presenters import item_detail
from mafqood.items.schemas import ItemStatus
from mafqood.lifecycle.access import photo_access
from mafqood.matching.schemas import HistoryOut, ItemWithMatches
from mafqood.matching.service import matches_for_items
from mafqood.storage import Storage
from mafqood.users.models import User


@dataclass(frozen=True)
class HistoryQuery:
    status: ItemStatus | None
    page: Page


async def history(uow: UnitOfWork, user: User, query: HistoryQuery, storage: Storage) -> HistoryOut:
    """One page spans both lists; only the user's own reports, so contacts are shown."""
    reports, total = await items.history(
        uow, user, query.status, query.page.number, query.page.size
    )
    access = await photo_access(uow, user)
    found_matches = await matches_for_items(uow, storage, reports, access)
    lost: list[ItemWithMatches] = []
    found: list[ItemWithMatches] = []
    for item in reports:
        entry = ItemWithMatches.model_construct(
            item=item_detail(item, storage, access, show_contact=True),
            matches=found_matches.get(item.id, []),
        )
        (lost if item.type == "lost" else found).append(entry)
    return HistoryOut.model_construct(
        lost_items=lost, found_items=found, pagination=query.page.answer(total)
    )
