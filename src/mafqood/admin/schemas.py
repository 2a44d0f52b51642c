from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from mafqood.admin.stats import Delay, Stats


class UsersStatsOut(BaseModel):
    new_registrations: int
    # Active in the 24 hours / 30 days before the end of the period.
    daily_active: int
    monthly_active: int


class ItemsStatsOut(BaseModel):
    lost_posted: int
    found_posted: int
    # Of the items posted in the period, those now closed / handed back.
    closed: int
    claimed: int


class DelayOut(BaseModel):
    items: int
    average_seconds: float | None
    median_seconds: float | None


class MatchesStatsOut(BaseModel):
    shown: int
    both_confirmed: int
    rejected: int
    acceptance_rate: float | None
    false_positive_rate: float | None
    successful_reunions: int


class StatsOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "from": "2026-11-02T00:00:00Z",
                    "to": "2026-12-02T00:00:00Z",
                    "users": {"new_registrations": 412, "daily_active": 96, "monthly_active": 1310},
                    "items": {
                        "lost_posted": 820,
                        "found_posted": 365,
                        "closed": 40,
                        "claimed": 118,
                    },
                    "time_to_first_match": {
                        "items": 530,
                        "average_seconds": 5400.0,
                        "median_seconds": 42.5,
                    },
                    "time_to_reunion": {
                        "items": 236,
                        "average_seconds": 201600.0,
                        "median_seconds": 86400.0,
                    },
                    "matches": {
                        "shown": 940,
                        "both_confirmed": 118,
                        "rejected": 301,
                        "acceptance_rate": 0.1255,
                        "false_positive_rate": 0.7184,
                        "successful_reunions": 121,
                    },
                }
            ]
        }
    )

    from_: datetime = Field(alias="from")
    to: datetime
    users: UsersStatsOut
    items: ItemsStatsOut
    time_to_first_match: DelayOut
    time_to_reunion: DelayOut
    matches: MatchesStatsOut

    @classmethod
    def of(cls, stats: Stats) -> StatsOut:
        return cls.model_validate(
            {
                "from": stats.start,
                "to": stats.end,
                "users": UsersStatsOut(
                    new_registrations=stats.new_users,
                    daily_active=stats.daily_active_users,
                    monthly_active=stats.monthly_active_users,
                ),
                "items": ItemsStatsOut(
                    lost_posted=stats.lost_posted,
                    found_posted=stats.found_posted,
                    closed=stats.items_closed,
                    claimed=stats.items_claimed,
                ),
                "time_to_first_match": _delay(stats.first_match),
                "time_to_reunion": _delay(stats.reunion),
                "matches": MatchesStatsOut(
                    shown=stats.matches_shown,
                    both_confirmed=stats.matches_confirmed,
                    rejected=stats.matches_rejected,
                    acceptance_rate=stats.acceptance_rate,
                    false_positive_rate=stats.false_positive_rate,
                    successful_reunions=stats.successful_reunions,
                ),
            }
        )


def _delay(delay: Delay) -> DelayOut:
    return DelayOut(
        items=delay.count, average_seconds=delay.average_s, median_seconds=delay.median_s
    )
