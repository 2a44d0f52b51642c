"""What a person has in the venue workspace, for their data export and account deletion.

A venue's items belong to the venue (its desk account), not to the staff member who posted
them: they are neither exported as the member's reports nor deleted with the member.
"""

from __future__ import annotations

from sqlalchemy import select

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.users.models import User
from mafqood.venues.locks import lock_membership
from mafqood.venues.models import Venue, VenueMember
from mafqood.venues.schemas import ExportMembership


async def memberships(session: UnitOfWork, user: User) -> list[ExportMembership]:
    rows = await session.execute(
        select(VenueMember, Venue.name)
        .join(Venue, Venue.id == VenueMember.venue_id)
        .where(VenueMember.user_id == user.id)
        .order_by(VenueMember.created_at)
    )
    return [
        ExportMembership(
            venue_id=member.venue_id,
            venue_name=name,
            role=member.role,
            created_at=member.created_at,
        )
        for member, name in rows
    ]


async def hand_over_ownership(session: UnitOfWork, user: User) -> None:
    """Before an account goes: a venue whose only owner it is gets its longest-serving staff
    member as owner, so the desk is never left without someone to manage it. (A venue with
    no other member keeps its items and records; an administrator can invite a new owner.)"""
    owned = await session.scalars(
        select(VenueMember.venue_id)
        .where(VenueMember.user_id == user.id, VenueMember.role == "owner")
        .order_by(VenueMember.venue_id)  # one order of locks, for two deletions at once
    )
    for venue_id in list(owned):
        # Read after the lock: two owners deleting their accounts at once would otherwise
        # each count the other and leave the venue without one.
        await lock_membership(session, venue_id)
        others = await session.scalars(
            select(VenueMember)
            .where(VenueMember.venue_id == venue_id, VenueMember.user_id != user.id)
            .order_by(VenueMember.role, VenueMember.created_at)
            .execution_options(populate_existing=True)
        )
        candidates = list(others)
        if candidates and not any(member.role == "owner" for member in candidates):
            candidates[0].role = "owner"
    await session.flush()
