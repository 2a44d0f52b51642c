"""The service's key metrics for a period, computed from the database.

Every query is an aggregate over a range of an indexed timestamp (users, items, matches and
refresh tokens by created_at, matches by updated_at), so its cost follows the activity in
the period, not the size of the tables. Periods are half-open: from <= t < to.

Definitions (docs/operations.md, "Key metrics"):
- active user: signed in or renewed a session (a refresh token was issued), posted a report,
  or answered a match; daily = in the 24 hours before `to`, monthly = in the 30 days before.
- items closed / claimed: of the items posted in the period, those now closed / handed back.
- time to first match / to reunion: for the items posted in the period, from posting to the
  creation of their first match / to the second "yes" of a match (its last update, status
  contacted or claimed); items still waiting are left out.
- matches shown: created in the period; both said yes: status contacted or claimed;
  acceptance = both said yes / shown; false positives = rejected / answered (both yes or
  rejected).
- successful reunions: matches whose second "yes" came in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text

from mafqood.core.unit_of_work import UnitOfWork

DAY = timedelta(days=1)
MONTH = timedelta(days=30)

_USERS = text("SELECT count(*) FROM users WHERE created_at >= :start AND created_at < :end")

# A match's answers are dated by its last update (answers are its only updates).
_ACTIVE = text(
    """
    SELECT count(DISTINCT user_id) FILTER (WHERE at >= :day_start),
           count(DISTINCT user_id)
    FROM (
        SELECT user_id, created_at AS at FROM refresh_tokens
        WHERE created_at >= :month_start AND created_at < :end
        UNION ALL
        SELECT user_id, created_at FROM items
        WHERE created_at >= :month_start AND created_at < :end
        UNION ALL
        SELECT i.user_id, m.updated_at FROM matches m JOIN items i ON i.id = m.user_item_id
        WHERE m.updated_at >= :month_start AND m.updated_at < :end
          AND m.user_item_owner_confirmed IS NOT NULL
        UNION ALL
        SELECT i.user_id, m.updated_at FROM matches m JOIN items i ON i.id = m.matched_item_id
        WHERE m.updated_at >= :month_start AND m.updated_at < :end
          AND m.matched_item_owner_confirmed IS NOT NULL
    ) activity
    """
)

_ITEMS = text(
    """
    SELECT count(*) FILTER (WHERE type = 'lost'),
           count(*) FILTER (WHERE type = 'found'),
           count(*) FILTER (WHERE status = 'closed'),
           count(*) FILTER (WHERE status = 'claimed')
    FROM items WHERE created_at >= :start AND created_at < :end
    """
)

# One index probe per side of the pair (idx_matches_user_item_id, idx_matches_matched_item_id).
_DELAYS = text(
    """
    SELECT count(first_match), avg(first_match),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY first_match),
           count(reunion), avg(reunion),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY reunion)
    FROM (
        SELECT extract(epoch FROM m.first_at - i.created_at) AS first_match,
               extract(epoch FROM m.reunion_at - i.created_at) AS reunion
        FROM items i
        CROSS JOIN LATERAL (
            SELECT min(created_at) AS first_at,
                   min(updated_at) FILTER (WHERE status IN ('contacted', 'claimed')) AS reunion_at
            FROM (
                SELECT created_at, updated_at, status FROM matches WHERE user_item_id = i.id
                UNION ALL
                SELECT created_at, updated_at, status FROM matches WHERE matched_item_id = i.id
            ) pairs
        ) m
        WHERE i.created_at >= :start AND i.created_at < :end
    ) delays
    """
)

_MATCHES = text(
    """
    SELECT count(*),
           count(*) FILTER (WHERE status IN ('contacted', 'claimed')),
           count(*) FILTER (WHERE status = 'rejected')
    FROM matches WHERE created_at >= :start AND created_at < :end
    """
)

_REUNIONS = text(
    """
    SELECT count(*) FROM matches
    WHERE updated_at >= :start AND updated_at < :end AND status IN ('contacted', 'claimed')
    """
)


@dataclass(frozen=True)
class Delay:
    """How long items waited, in seconds, over the `count` items that got there."""

    count: int
    average_s: float | None
    median_s: float | None


@dataclass(frozen=True)
class Stats:
    start: datetime
    end: datetime
    new_users: int
    daily_active_users: int
    monthly_active_users: int
    lost_posted: int
    found_posted: int
    items_closed: int
    items_claimed: int
    first_match: Delay
    reunion: Delay
    matches_shown: int
    matches_confirmed: int
    matches_rejected: int
    successful_reunions: int

    @property
    def acceptance_rate(self) -> float | None:
        return _ratio(self.matches_confirmed, self.matches_shown)

    @property
    def false_positive_rate(self) -> float | None:
        return _ratio(self.matches_rejected, self.matches_confirmed + self.matches_rejected)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _seconds(value: object) -> float | None:
    return None if value is None else float(str(value))


async def compute(session: UnitOfWork, start: datetime, end: datetime) -> Stats:
    """The key metrics for start <= t < end."""
    period = {"start": start, "end": end}
    new_users = await session.scalar(_USERS, period)
    daily, monthly = (
        await session.execute(
            _ACTIVE, {"end": end, "day_start": end - DAY, "month_start": end - MONTH}
        )
    ).one()
    lost, found, closed, claimed = (await session.execute(_ITEMS, period)).one()
    delays = (await session.execute(_DELAYS, period)).one()
    shown, confirmed, rejected = (await session.execute(_MATCHES, period)).one()
    reunions = await session.scalar(_REUNIONS, period)
    return Stats(
        start=start,
        end=end,
        new_users=int(new_users or 0),
        daily_active_users=int(daily),
        monthly_active_users=int(monthly),
        lost_posted=int(lost),
        found_posted=int(found),
        items_closed=int(closed),
        items_claimed=int(claimed),
        first_match=Delay(int(delays[0]), _seconds(delays[1]), _seconds(delays[2])),
        reunion=Delay(int(delays[3]), _seconds(delays[4]), _seconds(delays[5])),
        matches_shown=int(shown),
        matches_confirmed=int(confirmed),
        matches_rejected=int(rejected),
        successful_reunions=int(reunions or 0),
    )
