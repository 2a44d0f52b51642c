"""Limits written as "count/period" (e.g. "5/15m", "3/1h", "100/1m"), parsed once at start-up."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mafqood.core.config import Settings

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


class Rules:
    """Every limit, parsed once at start-up; None for a limit that is off."""

    def __init__(self, settings: Settings) -> None:
        def rate(text: str) -> Rate | None:
            return parse_rate(text) if settings.rate_limit_enabled else None

        self.login = rate(settings.rate_limit_login)
        self.login_account = rate(settings.rate_limit_login_account)
        self.register = rate(settings.rate_limit_register)
        self.forgot_password = rate(settings.rate_limit_forgot_password)
        self.reset_mail = rate(settings.rate_limit_reset_mail)
        self.api = rate(settings.rate_limit_api)
        self.anonymous = rate(settings.rate_limit_anonymous)
        self.upload = rate(settings.rate_limit_upload)
        self.desk_api = rate(settings.rate_limit_desk_api)
        self.desk_upload = rate(settings.rate_limit_desk_upload)
