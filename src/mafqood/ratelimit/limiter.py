"""Sliding-window limits kept in Redis, so that every API process counts against the same budget.

Each (rule, subject) has a sorted set of the moments of its accepted hits. One Lua script trims
hits older than the window, counts the rest and either records the new hit or says how long until
the oldest one leaves the window. The script runs atomically on the Redis server and reads the
server's clock, so processes on different machines agree on both the count and the time.

While Redis cannot be reached, limits that guard credentials fall back to the same windows kept
in the process (each process then allows the whole budget by itself: looser than the shared
count, far better than none); the others let every hit through.
"""

from __future__ import annotations

import math
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Annotated

import structlog
from fastapi import Depends
from redis.asyncio import Redis
from redis.exceptions import RedisError

from mafqood.core.rates import Rate
from mafqood.core.web import process_object

log = structlog.get_logger(__name__)

KEY_PREFIX = "ratelimit:"

# KEYS[1] the window; ARGV: limit, window in microseconds, unique member, record (1/0).
# Returns {allowed (1/0), remaining after this hit, retry_after in microseconds}.
_SLIDING_WINDOW = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used < limit then
    if ARGV[4] == '1' then
        redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
        redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
    end
    return {1, limit - used - 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local retry = window
if oldest[2] then
    retry = tonumber(oldest[2]) + window - now
end
return {0, 0, retry}
"""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after_seconds: int  # 0 when allowed


class LocalWindows:
    """The sliding windows of the script above, in this process's memory."""

    # Least recently used windows are forgotten beyond this many (many addresses during an
    # outage must not grow the process without end).
    MAX_WINDOWS = 100_000

    def __init__(self) -> None:
        self._windows: OrderedDict[str, deque[float]] = OrderedDict()

    def hit(self, key: str, rate: Rate, record: bool) -> Decision:
        now = time.monotonic()
        hits = self._windows.setdefault(key, deque())
        self._windows.move_to_end(key)
        if len(self._windows) > self.MAX_WINDOWS:
            self._windows.popitem(last=False)
        while hits and hits[0] <= now - rate.period_seconds:
            hits.popleft()
        used = len(hits)
        if used >= rate.limit:
            retry_after = max(1, math.ceil(hits[0] + rate.period_seconds - now))
            return Decision(False, rate.limit, 0, retry_after)
        if record:
            hits.append(now)
        return Decision(True, rate.limit, rate.limit - used - 1, 0)


class RateLimiter:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._script = redis.register_script(_SLIDING_WINDOW)
        self._local = LocalWindows()

    async def hit(
        self, rule: str, subject: str, rate: Rate, *, local_fallback: bool = False
    ) -> Decision:
        """Count one hit of subject against rule, if the rule allows it now.

        If Redis cannot be reached, a local_fallback rule is counted in this process; any
        other is let through: an outage of the limiter must not take the API down with it."""
        return await self._run(rule, subject, rate, record=True, local_fallback=local_fallback)

    async def check(
        self, rule: str, subject: str, rate: Rate, *, local_fallback: bool = False
    ) -> Decision:
        """What a hit would be told now, without counting one."""
        return await self._run(rule, subject, rate, record=False, local_fallback=local_fallback)

    async def _run(
        self, rule: str, subject: str, rate: Rate, *, record: bool, local_fallback: bool
    ) -> Decision:
        key = f"{KEY_PREFIX}{rule}:{subject}"
        try:
            allowed, remaining, retry_us = await self._script(
                keys=[key],
                args=[
                    rate.limit,
                    rate.period_seconds * 1_000_000,
                    secrets.token_hex(6),
                    int(record),
                ],
            )
        except RedisError:
            log.warning("rate_limit_unavailable", rule=rule, local=local_fallback, exc_info=True)
            if local_fallback:
                return self._local.hit(key, rate, record)
            return Decision(True, rate.limit, rate.limit, 0)
        retry_after = 0 if allowed else max(1, math.ceil(int(retry_us) / 1_000_000))
        return Decision(bool(allowed), rate.limit, int(remaining), retry_after)

    async def reset(self) -> None:
        """Forget every window (development reset)."""
        async for key in self.redis.scan_iter(match=f"{KEY_PREFIX}*", count=500):
            await self.redis.delete(key)


RateLimiterDep = Annotated[RateLimiter, Depends(process_object("rate_limiter"))]
