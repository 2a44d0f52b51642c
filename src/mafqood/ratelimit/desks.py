"""A member's desk limits end with their membership, not with their access token.

The access token's `desk` claim is read from the memberships when the token is issued (sign-in
and refresh), and the rate-limit middleware trusts it without the database. When a user's
last membership ends, the moment is written to Redis for as long as an access token lives;
a desk claim issued before that moment then gets the ordinary limits. The cost is one GET,
and only for requests that carry a desk claim; a later membership gives a later token the
claim again at its refresh.
"""

from __future__ import annotations

import time
import uuid

import structlog
from redis.exceptions import RedisError

from mafqood.ratelimit.limiter import RateLimiter

log = structlog.get_logger(__name__)

ENDED_PREFIX = "desk_ended:"
# Clocks of API processes on different machines may differ by this much.
CLOCK_SLACK_SECONDS = 60


async def end_desk_limits(limiter: RateLimiter, user_id: uuid.UUID, token_ttl: int) -> None:
    """The user's desk tokens issued until now get the ordinary limits from now on."""
    try:
        await limiter.redis.set(
            f"{ENDED_PREFIX}{user_id}", int(time.time()), ex=token_ttl + CLOCK_SLACK_SECONDS
        )
    except RedisError:
        # Every limit is let through while Redis is down; the token still expires.
        log.warning("desk_limits_not_ended", user_id=str(user_id), exc_info=True)


async def desk_claim_holds(limiter: RateLimiter, user_id: str, issued_at: int) -> bool:
    """Whether a desk claim issued at `issued_at` (the token's iat) still holds. A token of
    the very second the membership ended counts as older: at worst a member re-added within
    that second waits for their next refresh."""
    try:
        ended = await limiter.redis.get(f"{ENDED_PREFIX}{user_id}")
    except RedisError:
        return True  # the limiter lets everything through while Redis is down anyway
    return ended is None or issued_at > int(ended)
