"""Open sockets close as soon as their login ends, on every API instance."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from tests.factories import PASSWORD, Account, register, reset_password
from tests.notifications.conftest import LiveApi
from tests.notifications.test_realtime import close_code, open_socket


async def _closed_with(socket: ClientConnection) -> tuple[int | None, str | None]:
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(socket.recv(), 5)
    return socket.close_code, socket.close_reason


async def _second_login(client: httpx.AsyncClient, account: Account) -> Account:
    response = await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    return Account(account.id, account.email, PASSWORD, body["token"], body["refresh_token"])


async def test_logout_closes_that_logins_sockets_everywhere(
    client: httpx.AsyncClient, live_apis: list[LiveApi]
) -> None:
    first, second = live_apis
    account = await register(client)
    phone = await _second_login(client, account)
    sockets = [await open_socket(first, account), await open_socket(second, account)]
    other = await open_socket(first, phone)

    response = await client.post("/auth/logout", json={"refresh_token": account.refresh_token})
    assert response.status_code == 200

    for socket in sockets:
        assert await _closed_with(socket) == (1008, "session_revoked")
    # The other login's socket stays open.
    async with other:
        await other.send("ping")
        assert await asyncio.wait_for(other.recv(), 5) == "pong"
    # And the ended login cannot open a new one.
    url = f"{first.ws_url}/ws/{account.id}?token={account.token}"
    assert await close_code(url) == (1008, "session_revoked")


async def test_refresh_token_reuse_closes_the_logins_sockets(
    client: httpx.AsyncClient, live_apis: list[LiveApi]
) -> None:
    account = await register(client)
    socket = await open_socket(live_apis[1], account)
    await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    reuse = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    assert reuse.status_code == 401
    assert await _closed_with(socket) == (1008, "session_revoked")


async def test_password_reset_closes_every_socket_of_the_user(
    client: httpx.AsyncClient, live_apis: list[LiveApi]
) -> None:
    account = await register(client)
    phone = await _second_login(client, account)
    sockets = [await open_socket(live_apis[0], account), await open_socket(live_apis[1], phone)]
    container = live_apis[0].container
    response = await reset_password(client, container, account)
    assert response.status_code == 200
    for socket in sockets:
        assert await _closed_with(socket) == (1008, "session_revoked")
