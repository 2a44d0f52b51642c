"""Who is calling: client IP and user agent, for audit rows and refresh-token records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request


@dataclass(frozen=True)
class ClientInfo:
    ip: str | None
    user_agent: str | None


def client_info(request: Request) -> ClientInfo:
    ip = request.client.host if request.client else None
    user_agent = request.headers.get("user-agent")
    return ClientInfo(ip=ip if ip and ip[0].isalnum() else None, user_agent=user_agent)


async def _client(request: Request) -> ClientInfo:
    # async, so that FastAPI calls it in the event loop instead of a worker thread.
    return client_info(request)


ClientDep = Annotated[ClientInfo, Depends(_client)]
