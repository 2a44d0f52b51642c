"""WebSocket /ws/{user_id}: the signed-in user's real-time events.

The access token comes as `?token=...` or an `Authorization: Bearer` header. The connection is
accepted and then closed with 1008 (policy violation) when the token is missing, invalid or
expired, or belongs to someone other than the user in the path, or its login has ended, so the
app can tell "sign in again" from a network error. An open socket is closed with 1008 when its
token expires, or with reason `session_revoked` as soon as its login ends (logout, password
reset, a refresh-token reuse alarm).

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
from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import APIRouter, WebSocket

from mafqood.core.errors import Unauthorized
from mafqood.realtime.hub import CLOSE_POLICY_VIOLATION
from mafqood.realtime.ports import SocketServices
from mafqood.users.logins import session_id, token_user
from mafqood.users.tokens import TokenError

log = structlog.get_logger(__name__)
router = APIRouter(tags=["real-time"])

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


@dataclass(frozen=True)
class Owner:
    user_id: str
    session_id: str | None
    expires_at: float


async def _authenticate(
    websocket: WebSocket, container: SocketServices, path_user_id: str
) -> Owner | str:
    """The socket's owner, or the reason to refuse."""
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
        try:
            await token_user(session, claims)
        except Unauthorized as exc:
            return exc.code
    sid = session_id(claims)
    return Owner(str(user_id), str(sid) if sid else None, float(claims["exp"]))


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
    container: SocketServices = websocket.app.state.container
    await websocket.accept()
    outcome = await _authenticate(websocket, container, user_id)
    if isinstance(outcome, str):
        log.info("websocket_refused", reason=outcome)
        await websocket.close(CLOSE_POLICY_VIOLATION, outcome)
        return
    hub = container.hub
    connection = hub.connect(outcome.user_id, websocket, outcome.session_id)
    try:
        while True:
            remaining = outcome.expires_at - time.time()
            if remaining <= 0:
                await connection.stop()
                await websocket.close(CLOSE_POLICY_VIOLATION, "token_expired")
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
