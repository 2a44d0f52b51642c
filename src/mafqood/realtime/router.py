"""WebSocket /ws/{user_id}: the signed-in user's real-time events.

The access token comes as `?token=...` or an `Authorization: Bearer` header. The connection is
accepted and then closed with 1008 (policy violation) when the token is missing, invalid or
expired, or belongs to someone other than the user in the path, so the app can tell "sign in
again" from a network error. An open socket is closed with 1008 when its token expires.

Keep-alive: send the text `ping` (or `{"type": "ping"}`), get `pong` (or `{"type": "pong"}`).

Tokens sent as `?token=` are blanked out of uvicorn's connection log lines.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from typing import Any

import structlog
from fastapi import APIRouter, WebSocket

from mafqood.auth.tokens import TokenError
from mafqood.core.container import Container
from mafqood.users.models import User

log = structlog.get_logger(__name__)
router = APIRouter(tags=["real-time"])

POLICY_VIOLATION = 1008
_TOKEN_IN_QUERY = re.compile(r"([?&]token=)[^&\s\"]+")


class RedactTokens(logging.Filter):
    """uvicorn logs each WebSocket's path with its query string; keep tokens out of logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                _TOKEN_IN_QUERY.sub(r"\1[redacted]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        if isinstance(record.msg, str) and "token=" in record.msg:
            record.msg = _TOKEN_IN_QUERY.sub(r"\1[redacted]", record.msg)
        return True


logging.getLogger("uvicorn.error").addFilter(RedactTokens())


def _token(websocket: WebSocket) -> str | None:
    token = websocket.query_params.get("token")
    if token:
        return token
    scheme, _, credentials = websocket.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


async def _authenticate(
    websocket: WebSocket, container: Container, path_user_id: str
) -> tuple[str, float] | str:
    """(user id, token expiry) or the reason to refuse."""
    token = _token(websocket)
    if token is None:
        return "not_authenticated"
    try:
        claims = container.tokens.decode(token, "access")
    except TokenError as exc:
        return exc.code
    try:
        requested = uuid.UUID(path_user_id)
    except ValueError:
        return "forbidden"
    user_id = uuid.UUID(claims["user_id"])
    if requested != user_id:
        return "forbidden"
    async with container.sessionmaker() as session:
        user = await session.get(User, user_id)
        if user is None or not user.is_active:
            return "invalid_token"
    return str(user_id), float(claims["exp"])


def _pong(text: str) -> str | None:
    if text.strip().lower() == "ping":
        return "pong"
    try:
        message: Any = json.loads(text)
    except ValueError:
        return None
    if isinstance(message, dict) and message.get("type") == "ping":
        return json.dumps({"type": "pong"})
    return None


@router.websocket("/ws/{user_id}")
async def events(websocket: WebSocket, user_id: str) -> None:
    container: Container = websocket.app.state.container
    await websocket.accept()
    outcome = await _authenticate(websocket, container, user_id)
    if isinstance(outcome, str):
        log.info("websocket_refused", reason=outcome)
        await websocket.close(POLICY_VIOLATION, outcome)
        return
    owner, expires_at = outcome
    hub = container.hub
    connection = hub.connect(owner, websocket)
    try:
        while True:
            remaining = expires_at - time.time()
            if remaining <= 0:
                await connection.stop()
                await websocket.close(POLICY_VIOLATION, "token_expired")
                return
            try:
                message = await asyncio.wait_for(websocket.receive(), timeout=remaining)
            except TimeoutError:
                continue
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is not None and (reply := _pong(text)) is not None:
                connection.offer(reply)
    finally:
        await hub.disconnect(connection)
