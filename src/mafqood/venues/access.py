"""Who may act for a venue: its members, and its owners for what only they may do.

Everything here answers "not found" to non-members, exactly like a missing venue, so that
one venue's staff learn nothing about another's. Membership is read on every request: a
staff member removed from a venue loses access at once. (Who may act on the items a desk
holds is lifecycle.access.)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import exists, select

from mafqood.core.errors import Forbidden, NotFound
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.users.models import User
from mafqood.venues.models import Venue, VenueMember


async def is_desk_member(session: UnitOfWork, user_id: uuid.UUID) -> bool:
    """Whether the user belongs to any venue, as staff or owner: the `desk` claim of their
    access tokens, which tells the app to offer the desk."""
    return bool(await session.scalar(select(exists().where(VenueMember.user_id == user_id))))


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
