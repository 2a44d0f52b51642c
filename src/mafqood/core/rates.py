"""Rates written as "count/period" (e.g. "5/15m", "3/1h", "100/1m"): the settings check them
when they are read, the rate limiter counts by them."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RULE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|m|h|d)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period_seconds: int

    def __str__(self) -> str:
        return f"{self.limit}/{self.period_seconds}s"


def parse_rate(text: str) -> Rate | None:
    """None for "off" / "0" / empty (that rule is disabled); ValueError for anything unclear."""
    if text.strip().lower() in ("", "0", "off", "none"):
        return None
    found = _RULE.match(text)
    if not found:
        raise ValueError(f"rate limit {text!r} is not like 5/15m, 3/1h or 100/1m")
    count, amount, unit = int(found[1]), int(found[2] or 1), found[3].lower()
    if count < 1 or amount < 1:
        raise ValueError(f"rate limit {text!r} must allow at least 1 per period")
    return Rate(count, amount * _UNIT_SECONDS[unit])


def check_rate(text: str) -> str:
    parse_rate(text)
    return text
