"""What a report's owner changes of its life themselves: closing it, reopening it, marking it
claimed (see statuses.ITEM for the moves an owner may ask for)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.items.service import get_owned_item
from mafqood.lifecycle import notices
from mafqood.lifecycle.statuses import ITEM, By, ItemStatus
from mafqood.users.models import User


@dataclass(frozen=True)
class ChangeStatus:
    item_id: uuid.UUID
    status: ItemStatus


async def change_status(uow: UnitOfWork, actor: User, command: ChangeStatus) -> Item:
    """Asking for the status the report has already changes nothing."""
    item = await get_owned_item(uow, command.item_id, actor)
    changed = command.status != item.status
    if changed:
        ITEM.move(item, command.status, By.OWNER)
    item.updated_at = func.now()
    await uow.flush()
    await uow.refresh(item)
    if changed:
        await notices.item_status_changed(uow, item)
    return item
