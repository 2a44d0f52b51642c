"""One venue's membership changes run one after the other.

Rules such as "a venue keeps an owner" or "an invitation is only as good as its sender's
role" read several membership rows; two changes checking them at the same moment would each
see the other's rows as they were (two owners removing each other would both succeed). So
every change of members, roles or invitations first locks the venue's row, before reading
anything it decides on.

The lock is FOR NO KEY UPDATE: it excludes the other membership changes (and edits of the
venue), but not the key-share lock that inserting a row referencing the venue takes (a
member, an invitation, an item taken in at the desk). Intake never waits on it, and a
transaction that has already inserted such a row can still take it without the deadlock a
plain FOR UPDATE would risk.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.venues.models import Venue


async def lock_membership(session: UnitOfWork, venue_id: uuid.UUID) -> bool:
    """Hold the venue's membership lock until the transaction ends; False if no such venue."""
    locked = await session.scalar(
        select(Venue.id).where(Venue.id == venue_id).with_for_update(key_share=True)
    )
    return locked is not None
