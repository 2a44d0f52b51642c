"""How long a venue holds found items, per category: a setting of the venue, its own periods
over these defaults. Which items are past their period, and what becomes of them, is a found
item's life (lifecycle.retention)."""

from __future__ import annotations

from mafqood.venues.models import Venue

# Days, per category: documents and IDs go to the issuing authority or police sooner;
# valuables are held longest. A venue's own settings override these.
DEFAULT_RETENTION_DAYS: dict[str, int] = {
    "phone": 90,
    "wallet": 90,
    "bag": 60,
    "id": 30,
    "jewelry": 180,
    "electronics": 90,
    "keys": 60,
    "documents": 30,
    "other": 30,
}


def retention_days(venue: Venue) -> dict[str, int]:
    return {**DEFAULT_RETENTION_DAYS, **(venue.retention_days or {})}
