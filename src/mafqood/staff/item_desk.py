"""What the item page shows beside the item: its claims with their conversations, handover
or disposal, and whether it is past its holding period."""

from __future__ import annotations

from typing import Any

from mafqood.core.errors import NotFound
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.lifecycle import claims, handover, retention
from mafqood.lifecycle.models import Disposal
from mafqood.messaging import desk
from mafqood.users.models import User
from mafqood.venues.holding import retention_days
from mafqood.venues.models import Venue

CLAIMS_SHOWN = 50


async def item_details(
    session: UnitOfWork, venue: Venue, item: Item, user: User, base_url: str
) -> dict[str, Any]:
    rows, _ = await claims.item_claims(session, item, None, 1, CLAIMS_SHOWN)
    try:
        handed_over = await handover.handover_of(session, item)
    except NotFound:
        handed_over = None
    return {
        "claims": rows,
        "approved_claims": [
            (claim, claimant) for claim, _, claimant in rows if claim.status == "approved"
        ],
        "handover": handed_over,
        "disposal": await session.get(Disposal, item.id),
        "due": await retention.is_due(session, item),
        "retention_days": retention_days(venue).get(item.category),
        "threads": await desk.claim_threads(
            session, user, [claim.id for claim, _, _ in rows], base_url
        ),
    }
