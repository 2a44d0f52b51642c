"""A venue's intake budget: how many photos its desk may send to the vision workers per hour
and per day. Counted per venue (all its members together) and per photo, in Redis with the
other abuse limits, so the API and the dashboard's form draw on the same budget; an intake
the budget cannot cover is refused whole, before any photo is stored."""

from __future__ import annotations

from mafqood.core.config import Settings
from mafqood.core.errors import RateLimited
from mafqood.core.rates import Rate
from mafqood.observability.metrics import RATE_LIMITED
from mafqood.ratelimit.limiter import RateLimiter
from mafqood.venues.models import Venue

HOUR, DAY = 3600, 86400
RULE = "intake"


def intake_budget(settings: Settings, venue: Venue) -> dict[str, Rate]:
    """The venue's budget, by rule name: a venue not yet verified by an administrator gets
    the pending budget."""
    if venue.is_verified:
        per_hour, per_day = settings.intake_photos_per_hour, settings.intake_photos_per_day
    else:
        per_hour = settings.intake_pending_photos_per_hour
        per_day = settings.intake_pending_photos_per_day
    return {f"{RULE}_hour": Rate(per_hour, HOUR), f"{RULE}_day": Rate(per_day, DAY)}


async def charge_intake(
    limiter: RateLimiter, settings: Settings, venue: Venue, photos: int
) -> None:
    """Take `photos` from the venue's budget, or refuse the intake (RateLimited with the
    wait until it fits)."""
    if not settings.rate_limit_enabled or photos < 1:
        return
    decision = await limiter.take(intake_budget(settings, venue), str(venue.id), photos)
    if not decision.allowed:
        RATE_LIMITED.labels(rule=RULE).inc()
        raise RateLimited("intake_budget_exceeded", retry_after=decision.retry_after_seconds)
