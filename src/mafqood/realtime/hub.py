"""The sockets one API process holds, and the Redis subscription that feeds them."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from typing import Any, Protocol

import structlog
from redis.asyncio import Redis

from mafqood.core.redis_client import redis_client
from mafqood.realtime.bus import (
    ANALYSED_CHANNEL,
    BROADCAST_CHANNEL,
    SESSIONS_ENDED_CHANNEL,
    USER_CHANNEL_PATTERN,
    USER_CHANNEL_PREFIX,
)
from mafqood.realtime.waits import Waits

log = structlog.get_logger(__name__)

# A socket that falls this many messages behind is closed; the app reconnects and refetches.
SEND_QUEUE_SIZE = 256
CLOSE_GOING_AWAY = 1001
CLOSE_POLICY_VIOLATION = 1008
CLOSE_TRY_AGAIN_LATER = 1013


class Socket(Protocol):
    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class Connection:
    """One socket and the task that writes to it, so that a slow phone never holds up
    delivery to the others."""

    def __init__(self, user_id: str, socket: Socket, session_id: str | None = None) -> None:
        self.user_id = user_id
        self.socket = socket
        # The login its token belongs to: the socket closes when that login ends.
        self.session_id = session_id
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(SEND_QUEUE_SIZE)
        self.writer = asyncio.create_task(self._write(), name=f"ws-writer-{user_id}")
        self.closed = asyncio.Event()
        self._closing: asyncio.Task[None] | None = None

    async def _write(self) -> None:
        # A failed send means the peer went away; the receive loop notices and unregisters.
        try:
            while (data := await self.queue.get()) is not None:
                await self.socket.send_text(data)
        except Exception as exc:
            log.debug("socket_send_failed", user_id=self.user_id, error=str(exc))
        finally:
            self.closed.set()

    def offer(self, data: str) -> None:
        try:
            self.queue.put_nowait(data)
        except asyncio.QueueFull:
            if self._closing is None:
                log.warning("socket_too_slow_closed", user_id=self.user_id)
                self.close_soon(CLOSE_TRY_AGAIN_LATER, "too_slow")

    def close_soon(self, code: int, reason: str) -> None:
        """Close without waiting for it (once), from code that must not block on a socket."""
        if self._closing is None:
            self._closing = asyncio.create_task(self.close(code, reason))

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.writer.cancel()
        with contextlib.suppress(Exception):
            await self.socket.close(code, reason)
        self.closed.set()

    async def stop(self) -> None:
        """Let queued messages go out, then stop the writer."""
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)
        try:
            await asyncio.wait_for(asyncio.shield(self.writer), 1.0)
        except (TimeoutError, asyncio.CancelledError, Exception):
            self.writer.cancel()


SHUTDOWN_WAIT_S = 2.0


class ConnectionHub:
    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self._by_user: dict[str, set[Connection]] = defaultdict(set)
        self._listener: asyncio.Task[None] | None = None
        self._redis: Redis | None = None
        # Set while the subscription is live (tests and health wait on it).
        self.subscribed = asyncio.Event()
        # Submissions waiting for their report's analysis.
        self.analyses = Waits()

    @property
    def connection_count(self) -> int:
        return sum(len(connections) for connections in self._by_user.values())

    def user_connections(self, user_id: str) -> int:
        return len(self._by_user.get(user_id, ()))

    async def start(self) -> None:
        self._redis = redis_client(
            self.redis_url, socket_connect_timeout=2, health_check_interval=15
        )
        self._listener = asyncio.create_task(self._listen(), name="realtime-listener")

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            # Bounded: a pub/sub read cancelled at the wrong moment can leave its connection
            # waiting forever, and shutdown must not hang on it.
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._listener, SHUTDOWN_WAIT_S)
        connections = [c for group in self._by_user.values() for c in group]
        await asyncio.gather(
            *(c.close(CLOSE_GOING_AWAY, "server_shutdown") for c in connections),
            return_exceptions=True,
        )
        self._by_user.clear()
        if self._redis is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._redis.aclose(), SHUTDOWN_WAIT_S)

    def connect(self, user_id: str, socket: Socket, session_id: str | None = None) -> Connection:
        connection = Connection(user_id, socket, session_id)
        self._by_user[user_id].add(connection)
        return connection

    async def disconnect(self, connection: Connection) -> None:
        group = self._by_user.get(connection.user_id)
        if group is not None:
            group.discard(connection)
            if not group:
                del self._by_user[connection.user_id]
        connection.writer.cancel()

    def deliver(self, user_id: str, data: str) -> int:
        connections = self._by_user.get(user_id, ())
        for connection in connections:
            connection.offer(data)
        return len(connections)

    def deliver_all(self, data: str) -> int:
        count = 0
        for connections in self._by_user.values():
            for connection in connections:
                connection.offer(data)
                count += 1
        return count

    def end_sessions(self, user_id: str, session_id: str | None) -> None:
        """Close the user's sockets of login `session_id` (None: all of them): their tokens
        stopped counting when it ended."""
        for connection in self._by_user.get(user_id, ()):
            if session_id is None or connection.session_id == session_id:
                connection.close_soon(CLOSE_POLICY_VIOLATION, "session_revoked")

    def _dispatch(self, message: dict[str, Any]) -> None:
        channel = _text(message.get("channel"))
        data = _text(message.get("data"))
        if channel == BROADCAST_CHANNEL:
            self.deliver_all(data)
        elif channel.startswith(USER_CHANNEL_PREFIX):
            self.deliver(channel[len(USER_CHANNEL_PREFIX) :], data)
        elif channel == ANALYSED_CHANNEL:
            self.analyses.resolve(data)
        elif channel == SESSIONS_ENDED_CHANNEL:
            ended = json.loads(data)
            self.end_sessions(ended["user_id"], ended["session_id"])

    async def _listen(self) -> None:
        assert self._redis is not None
        delay = 0.2
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(USER_CHANNEL_PATTERN)
                await pubsub.subscribe(BROADCAST_CHANNEL, ANALYSED_CHANNEL, SESSIONS_ENDED_CHANNEL)
                self.subscribed.set()
                delay = 0.2
                log.info("realtime_subscribed")
                while True:
                    message = await pubsub.get_message(timeout=30)
                    if message is not None:
                        self._dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # Events published while Redis is unreachable are missed; notifications
                # themselves are in the database and the app refetches on reconnect.
                self.subscribed.clear()
                log.warning("realtime_subscription_lost", error=str(exc), retry_in_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(
                        pubsub.aclose(),  # type: ignore[no-untyped-call]
                        SHUTDOWN_WAIT_S,
                    )


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return str(value) if value is not None else ""
