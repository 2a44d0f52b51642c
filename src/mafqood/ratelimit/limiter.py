"""Sliding-window limits kept in Redis, so that every API process counts against the same budget.

Each (rule, subject) has a sorted set of the moments of its accepted hits. One Lua script trims
hits older than the window, counts the rest and either records the new hit or says how long until
the oldest one leaves the window. A hit may cost several (a desk's intake, one per photo) and be
counted against several rules at once (per hour and per day), recorded in all or in none. The
script runs atomically on the Redis server and reads the server's clock, so processes on
different machines agree on both the count and the time.

While Redis cannot be reached, limits that guard credentials fall back to the same windows kept
in the process (each process then allows the whole budget by itself: looser than the shared
count, far better than none); the others let every hit through.
"""

from __future__ import annotations

import math
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Mapping
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

# KEYS: one window per rule; ARGV: cost, unique member, record (1/0), then the limit and the
# window in microseconds of each key. The hits are recorded in every window or in none.
# Returns {allowed (1/0), remaining after this hit, retry_after in microseconds, index of the
# deciding window: the one refusing longest, else the one with least left}.
_SLIDING_WINDOW = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local cost = tonumber(ARGV[1])
local allowed, remaining, retry, decided = 1, nil, 0, 1
for i, key in ipairs(KEYS) do
    local limit = tonumber(ARGV[2 + 2 * i])
    local window = tonumber(ARGV[3 + 2 * i])
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    local used = redis.call('ZCARD', key)
    local left = limit - used - cost
    if left < 0 then
        -- the hit fits once enough of the oldest hits have left (never, if cost > limit)
        local wait = window
        if cost <= limit then
            local nth = used + cost - limit - 1
            local leaving = redis.call('ZRANGE', key, nth, nth, 'WITHSCORES')
            if leaving[2] then
                wait = tonumber(leaving[2]) + window - now
            end
        end
        if allowed == 1 or wait > retry then
            retry, decided = wait, i
        end
        allowed = 0
    elseif allowed == 1 and (remaining == nil or left < remaining) then
        remaining, decided = left, i
    end
end
if allowed == 0 then
    return {0, 0, retry, decided}
end
if ARGV[3] == '1' then
    for i, key in ipairs(KEYS) do
        for j = 1, cost do
            redis.call('ZADD', key, now, now .. ':' .. ARGV[2] .. ':' .. j)
        end
        redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[3 + 2 * i]) / 1000))
    end
end
return {1, remaining, 0, decided}
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
        return await self._run(
            {rule: rate}, subject, cost=1, record=True, local_fallback=local_fallback
        )

    async def check(
        self, rule: str, subject: str, rate: Rate, *, local_fallback: bool = False
    ) -> Decision:
        """What a hit would be told now, without counting one."""
        return await self._run(
            {rule: rate}, subject, cost=1, record=False, local_fallback=local_fallback
        )

    async def take(self, rules: Mapping[str, Rate], subject: str, cost: int) -> Decision:
        """Count `cost` hits of subject against every rule at once (a budget per hour and
        per day), or none of them when any rule has not that much left; let through while
        Redis cannot be reached."""
        return await self._run(rules, subject, cost=cost, record=True, local_fallback=False)

    async def _run(
        self,
        rules: Mapping[str, Rate],
        subject: str,
        *,
        cost: int,
        record: bool,
        local_fallback: bool,
    ) -> Decision:
        keys = [f"{KEY_PREFIX}{rule}:{subject}" for rule in rules]
        rates = list(rules.values())
        windows = [n for rate in rates for n in (rate.limit, rate.period_seconds * 1_000_000)]
        try:
            allowed, remaining, retry_us, decided = await self._script(
                keys=keys, args=[cost, secrets.token_hex(6), int(record), *windows]
            )
        except RedisError:
            log.warning(
                "rate_limit_unavailable", rules=list(rules), local=local_fallback, exc_info=True
            )
            if local_fallback and len(keys) == 1 and cost == 1:
                return self._local.hit(keys[0], rates[0], record)
            return Decision(True, rates[0].limit, rates[0].limit, 0)
        retry_after = 0 if allowed else max(1, math.ceil(int(retry_us) / 1_000_000))
        limit = rates[int(decided) - 1].limit
        return Decision(bool(allowed), limit, int(remaining), retry_after)

    async def reset(self) -> None:
        """Forget every window (development reset)."""
        async for key in self.redis.scan_iter(match=f"{KEY_PREFIX}*", count=500):
            await self.redis.delete(key)


RateLimiterDep = Annotated[RateLimiter, Depends(process_object("rate_limiter"))]
