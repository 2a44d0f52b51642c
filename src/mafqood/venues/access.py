"""Who may act for a venue and for the items its desk holds.

Everything here answers "not found" to non-members, exactly like a missing venue, so that
one venue's staff learn nothing about another's. Membership is read on every request: a
staff member removed from a venue loses access at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from mafqood.core.errors import Forbidden, NotFound
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.users.models import User
from mafqood.venues.models import Venue, VenueMember


async def role_in(session: UnitOfWork, venue_id: uuid.UUID, user_id: uuid.UUID) -> str | None:
    return await session.scalar(
        select(VenueMember.role).where(
            VenueMember.venue_id == venue_id, VenueMember.user_id == user_id
        )
    )


@dataclass(frozen=True)
class Membership:
    """A member's venue and role in it, as read for this request."""

    venue: Venue
    role: str

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    def require_owner(self) -> None:
        """A staff member is told 403, not 404: they know the venue exists."""
        if not self.is_owner:
            raise Forbidden("venue_owner_only")


async def membership(
    session: UnitOfWork, venue_id: uuid.UUID, user: User, *, owner: bool = False
) -> Membership:
    """The user's membership of the venue (of an owner when owner=True)."""
    role = await role_in(session, venue_id, user.id)
    venue = await session.get(Venue, venue_id) if role else None
    if venue is None or role is None:
        raise NotFound()
    found = Membership(venue, role)
    if owner:
        found.require_owner()
    return found


async def member_venue(
    session: UnitOfWork, venue_id: uuid.UUID, user: User, *, owner: bool = False
) -> Venue:
    """The venue, for one of its members (owners only when owner=True)."""
    return (await membership(session, venue_id, user, owner=owner)).venue


async def acts_for(session: UnitOfWork, user: User, item: Item) -> bool:
    """The item's own reporter, or a member of the venue whose desk holds it."""
    if item.user_id == user.id:
        return True
    if item.venue_id is None:
        return False
    return await role_in(session, item.venue_id, user.id) is not None


async def finder_side_item(session: UnitOfWork, item_id: uuid.UUID, user: User) -> Item:
    """A found item the user holds (theirs, or their venue's), locked for the change."""
    item = await session.get(Item, item_id, with_for_update=True)
    if item is None or item.type != "found" or not await acts_for(session, user, item):
        raise NotFound()
    return item


async def recipients(session: UnitOfWork, item: Item) -> list[uuid.UUID]:
    """Who hears about an item: its reporter; for a venue's item, every member of the venue
    (the desk account itself is never signed in to)."""
    if item.venue_id is None:
        return [item.user_id]
    members = await session.scalars(
        select(VenueMember.user_id).where(VenueMember.venue_id == item.venue_id)
    )
    return list(members) or [item.user_id]
