"""Who may see and act on an item, its matches and its claims.

The finder side of a found item is its reporter, or any member of the venue whose desk holds
it (membership is read on every request: a member removed loses access at once). The owner
side of a match is the lost report's owner. Anyone else is told "not found", exactly like
for a missing row, so that nothing about another's items leaks.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import and_, bindparam, literal, or_, select

from mafqood.core.errors import NotFound
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items import service as items
from mafqood.items.models import Item
from mafqood.items.photo_access import PUBLIC, PhotoAccess
from mafqood.lifecycle.models import Claim, Match
from mafqood.lifecycle.statuses import CONTACTS_SHARED, ClaimStatus
from mafqood.users.models import User
from mafqood.venues.access import role_in
from mafqood.venues.models import VenueMember


class Side(StrEnum):
    LOST = "lost"
    FOUND = "found"


async def acts_for(uow: UnitOfWork, user: User, item: Item) -> bool:
    """The item's own reporter, or a member of the venue whose desk holds it."""
    if item.user_id == user.id:
        return True
    if item.venue_id is None:
        return False
    return await role_in(uow, item.venue_id, user.id) is not None


async def finder_side(uow: UnitOfWork, user: User, item: Item | None) -> Item:
    """The found item, if the user is on its finder side."""
    if item is None or item.type != "found" or not await acts_for(uow, user, item):
        raise NotFound()
    return item


async def held_item(uow: UnitOfWork, user: User, item_id: uuid.UUID) -> Item:
    """A found item the user holds, for reading (a use case locks it first: see locks)."""
    return await finder_side(uow, user, await uow.get(Item, item_id))


async def side_of(uow: UnitOfWork, user: User, lost: Item, found: Item) -> Side:
    """Which side of the match between lost and found the user answers for."""
    if user.id == lost.user_id:
        return Side.LOST
    if await acts_for(uow, user, found):
        return Side.FOUND
    raise NotFound()  # a stranger learns nothing, not even that the match exists


async def visible_item(uow: UnitOfWork, item_id: uuid.UUID, viewer: User | None) -> Item:
    """An item as items.get_visible_item gives it, except that a pending venue's item is
    seen only by its members until the venue is verified (others: not found)."""
    item = await items.get_visible_item(uow, item_id, viewer)
    if item.venue_verified is False and (viewer is None or not await acts_for(uow, viewer, item)):
        raise NotFound("not_found")
    return item


async def owner_of(uow: UnitOfWork, item: Item) -> User:
    """The account a report belongs to: a person, or a venue's desk (named after the venue)."""
    owner = await uow.get(User, item.user_id)
    assert owner is not None  # enforced by the foreign key
    return owner


async def contact_visible(uow: UnitOfWork, item: Item, viewer: User | None) -> bool:
    """Those who hold the item see its contact details; the other side of a match sees them
    once contacts were shared (for a found item with control details that needs an approved
    claim, not just two yeses), and so does a claimant whose claim on the item was
    approved."""
    if viewer is None:
        return False
    if await acts_for(uow, viewer, item):
        return True
    other_item = Item.__table__.alias("other_item")
    my_venues = select(VenueMember.venue_id).where(VenueMember.user_id == viewer.id)
    shared_pair = (
        select(literal(1))
        .select_from(Match)
        .join(
            other_item,
            or_(
                and_(Match.user_item_id == item.id, Match.matched_item_id == other_item.c.id),
                and_(Match.matched_item_id == item.id, Match.user_item_id == other_item.c.id),
            ),
        )
        .where(
            or_(other_item.c.user_id == viewer.id, other_item.c.venue_id.in_(my_venues)),
            Match.status.in_(CONTACTS_SHARED),
        )
    )
    approved_claim = select(literal(1)).where(
        Claim.item_id == item.id,
        Claim.claimant_id == viewer.id,
        Claim.status == ClaimStatus.APPROVED,
    )
    return bool(await uow.scalar(select(or_(shared_pair.exists(), approved_claim.exists()))))


# Built once (see users/logins.py): the viewer's venues and found items with an approved claim.
_HELD_BY_VIEWER = (
    select(VenueMember.venue_id.label("id"), literal("venue").label("kind"))
    .where(VenueMember.user_id == bindparam("viewer_id"))
    .union_all(
        select(Claim.item_id.label("id"), literal("item").label("kind")).where(
            Claim.claimant_id == bindparam("viewer_id"), Claim.status == ClaimStatus.APPROVED
        )
    )
)


async def photo_access(uow: UnitOfWork, viewer: User | None) -> PhotoAccess:
    """Whose photos of documents the viewer sees as taken: their own reports', their venues'
    items', and the found items on which their claim was approved (one query)."""
    if viewer is None:
        return PUBLIC
    rows = (await uow.execute(_HELD_BY_VIEWER, {"viewer_id": viewer.id})).all()
    return PhotoAccess(
        user_id=viewer.id,
        venue_ids=frozenset(row.id for row in rows if row.kind == "venue"),
        approved_items=frozenset(row.id for row in rows if row.kind == "item"),
    )
