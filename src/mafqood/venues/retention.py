"""How long a venue holds found items before it may dispose of them."""

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
