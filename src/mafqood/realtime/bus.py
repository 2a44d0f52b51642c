"""Publishing real-time events: Redis pub/sub carries them to every API process, and each
process hands them to the sockets it holds (see hub.py).

Every user has a channel; a process listens to all of them with one pattern subscription,
so an event reaches a user wherever (and on however many devices) they are connected.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterable
from typing import Any

import structlog
from redis.asyncio import Redis

log = structlog.get_logger(__name__)

USER_CHANNEL_PREFIX = "mafqood:user:"
USER_CHANNEL_PATTERN = USER_CHANNEL_PREFIX + "*"
BROADCAST_CHANNEL = "mafqood:broadcast"
# Carries the id of each report a vision worker finished, for the requests waiting on it.
ANALYSED_CHANNEL = "mafqood:analysed"
# Carries the logins that just ended, so that every API process closes their open sockets.
SESSIONS_ENDED_CHANNEL = "mafqood:sessions_ended"
PUBLISH_TIMEOUT_S = 2.0


def user_channel(user_id: uuid.UUID | str) -> str:
    # Canonical form: sockets are registered under str(UUID).
    return f"{USER_CHANNEL_PREFIX}{uuid.UUID(str(user_id))}"


def encode(event: dict[str, Any]) -> str:
    return json.dumps(event, default=str, ensure_ascii=False, separators=(",", ":"))


class EventBus:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def publish(self, user_id: uuid.UUID | str, event: dict[str, Any]) -> bool:
        """True once Redis took the event (whether or not anyone listens). False, logged, when
        Redis cannot be reached: events are best effort, the notification row is the record."""
        return await self.publish_many([user_id], event)

    async def publish_many(
        self, user_ids: Iterable[uuid.UUID | str], event: dict[str, Any]
    ) -> bool:
        data = encode(event)
        try:
            async with asyncio.timeout(PUBLISH_TIMEOUT_S):
                async with self.redis.pipeline(transaction=False) as pipe:
                    for user_id in user_ids:
                        pipe.publish(user_channel(user_id), data)
                    await pipe.execute()
        except Exception as exc:
            log.warning("event_not_published", event_type=event.get("type"), error=str(exc))
            return False
        return True

    async def publish_analysed(
        self, user_id: uuid.UUID, item_id: uuid.UUID, event: dict[str, Any]
    ) -> bool:
        """A report's analysis finished: the owner's sockets get `event`, and whichever API
        process is waiting to answer its submission hears of it."""
        try:
            async with asyncio.timeout(PUBLISH_TIMEOUT_S):
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.publish(user_channel(user_id), encode(event))
                    pipe.publish(ANALYSED_CHANNEL, str(item_id))
                    await pipe.execute()
        except Exception as exc:
            log.warning("event_not_published", event_type=event.get("type"), error=str(exc))
            return False
        return True

    async def end_sessions(self, user_id: uuid.UUID, session_id: uuid.UUID | None) -> bool:
        """The user's login `session_id` ended (None: every login of the user)."""
        message = {"user_id": str(user_id), "session_id": str(session_id) if session_id else None}
        try:
            async with asyncio.timeout(PUBLISH_TIMEOUT_S):
                await self.redis.publish(SESSIONS_ENDED_CHANNEL, encode(message))
        except Exception as exc:
            log.warning("sessions_ended_not_published", error=str(exc))
            return False
        return True

    async def broadcast(self, event: dict[str, Any]) -> bool:
        """To every connected socket (system announcements)."""
        try:
            async with asyncio.timeout(PUBLISH_TIMEOUT_S):
                await self.redis.publish(BROADCAST_CHANNEL, encode(event))
        except Exception as exc:
            log.warning("event_not_published", event_type=event.get("type"), error=str(exc))
            return False
        return True
