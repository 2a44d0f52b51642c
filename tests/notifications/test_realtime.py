"""WebSocket /ws/{user_id} on real uvicorn servers: two API instances sharing one Redis."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from mafqood.notifications.service import notify
from mafqood.realtime import events
from mafqood.realtime.hub import SEND_QUEUE_SIZE, ConnectionHub
from mafqood.realtime.router import RedactTokens
from mafqood.users.tokens import TokenService
from tests.conftest import TEST_SECRET, AppFactory, asgi_client
from tests.factories import Account, register, submit
from tests.notifications.conftest import LiveApi
from tests.test_matching_engine import LOST, shots


async def open_socket(api: LiveApi, account: Account, **kwargs: Any) -> ClientConnection:
    socket = await connect(f"{api.ws_url}/ws/{account.id}?token={account.token}", **kwargs)
    # The socket is registered once the server has authenticated it; a ping round trip
    # proves that.
    await socket.send("ping")
    assert await asyncio.wait_for(socket.recv(), 5) == "pong"
    return socket


async def close_code(url: str, **kwargs: Any) -> tuple[int | None, str | None]:
    async with connect(url, **kwargs) as socket:
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(socket.recv(), 5)
        assert socket.close_code is not None
        return socket.close_code, socket.close_reason


async def next_event(socket: ClientConnection, timeout: float = 5) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), timeout))
    return message


async def test_sockets_without_a_valid_token_for_that_user_are_closed(
    client: httpx.AsyncClient, live_apis: list[LiveApi]
) -> None:
    api = live_apis[0]
    owner = await register(client)
    other = await register(client)
    base = f"{api.ws_url}/ws/{owner.id}"
    assert await close_code(base) == (1008, "not_authenticated")
    assert await close_code(f"{base}?token=not-a-jwt") == (1008, "invalid_token")
    forged = TokenService(
        "another-secret-key-that-is-long-enough-0123456789abc",
        timedelta(hours=1),
        timedelta(days=1),
        timedelta(hours=1),
    ).access_token(uuid.UUID(owner.id), owner.email, False)
    assert await close_code(f"{base}?token={forged}") == (1008, "invalid_token")
    # A refresh token is not an access token.
    assert await close_code(f"{base}?token={owner.refresh_token}") == (1008, "invalid_token")
    # Someone else's id in the path, with one's own valid token.
    assert await close_code(f"{base}?token={other.token}") == (1008, "forbidden")
    assert await close_code(f"{api.ws_url}/ws/not-a-uuid?token={owner.token}") == (
        1008,
        "forbidden",
    )
    expired = TokenService(
        TEST_SECRET, timedelta(seconds=-5), timedelta(days=1), timedelta(hours=1)
    ).access_token(uuid.UUID(owner.id), owner.email, False)
    assert await close_code(f"{base}?token={expired}") == (1008, "token_expired")
    # The header works as well as the query parameter.
    async with connect(base, additional_headers={"Authorization": f"Bearer {owner.token}"}) as ws:
        await ws.send("ping")
        assert await asyncio.wait_for(ws.recv(), 5) == "pong"


async def test_ping_pong_keeps_the_socket_open(
    client: httpx.AsyncClient, live_apis: list[LiveApi]
) -> None:
    owner = await register(client)
    socket = await open_socket(live_apis[0], owner)
    async with socket:
        await socket.send(json.dumps({"type": "ping"}))
        assert await next_event(socket) == {"type": "pong"}
        await socket.send("something else")
        await socket.send("PING")
        assert await asyncio.wait_for(socket.recv(), 5) == "pong"


async def test_socket_closes_when_its_token_expires(
    client: httpx.AsyncClient, live_apis: list[LiveApi]
) -> None:
    owner = await register(client)
    short = TokenService(
        TEST_SECRET, timedelta(seconds=2), timedelta(days=1), timedelta(hours=1)
    ).access_token(uuid.UUID(owner.id), owner.email, False)
    started = asyncio.get_running_loop().time()
    code = await close_code(f"{live_apis[0].ws_url}/ws/{owner.id}?token={short}")
    assert code == (1008, "token_expired")
    assert asyncio.get_running_loop().time() - started < 5


async def test_event_crosses_from_one_instance_to_sockets_on_another(
    client: httpx.AsyncClient, live_apis: list[LiveApi]
) -> None:
    first, second = live_apis
    owner = await register(client)
    bystander = await register(client)
    # Two devices: one connected to each instance; a bystander on the publishing instance.
    phone = await open_socket(second, owner)
    tablet = await open_socket(first, owner)
    other = await open_socket(first, bystander)
    event = events.item_status(uuid.uuid4(), "closed")
    async with first.container.sessionmaker() as session:
        row = await notify(
            session,
            uuid.UUID(owner.id),
            "update",
            "notify.item_status",
            params={"item_title": "Keys", "status": "closed"},
            event=event,
        )
        # Nothing is published before commit.
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(phone.recv(), 0.3)
        await session.commit()
    for socket in (phone, tablet):
        received = await next_event(socket)
        assert received == {
            **event,
            "notification": {
                "id": str(row.id),
                "type": "update",
                "title": "Item updated",
                "message": "Keys is now closed.",
            },
        }
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(other.recv(), 0.3)
    for socket in (phone, tablet, other):
        await socket.close()


async def test_rolled_back_transaction_publishes_nothing(
    client: httpx.AsyncClient, live_apis: list[LiveApi]
) -> None:
    owner = await register(client)
    socket = await open_socket(live_apis[1], owner)
    async with live_apis[0].container.sessionmaker() as session:
        await notify(
            session,
            uuid.UUID(owner.id),
            "update",
            "notify.match_rejected",
            params={"item_title": "Bag"},
            event=events.item_status(uuid.uuid4(), "open"),
        )
        await session.rollback()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(socket.recv(), 0.5)
    await socket.close()


async def test_broadcast_reaches_every_socket_and_hub_forgets_closed_ones(
    client: httpx.AsyncClient, live_apis: list[LiveApi]
) -> None:
    accounts = [await register(client) for _ in range(3)]
    sockets = [await open_socket(live_apis[n % 2], a) for n, a in enumerate(accounts)]
    hub = live_apis[0].container.hub
    assert hub.user_connections(accounts[0].id) == 1
    assert await live_apis[1].container.bus.broadcast({"type": "system", "text": "hi"})
    for socket in sockets:
        assert await next_event(socket) == {"type": "system", "text": "hi"}
        await socket.close()
    for _ in range(50):
        if hub.user_connections(accounts[0].id) == 0:
            break
        await asyncio.sleep(0.05)
    assert hub.user_connections(accounts[0].id) == 0


def test_tokens_in_the_query_string_are_kept_out_of_logs() -> None:
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5000", "/ws/abc?token=eyJhbGciOi.secret.sig&x=1"),
        None,
    )
    assert RedactTokens().filter(record)
    assert record.getMessage() == (
        '127.0.0.1:5000 - "WebSocket /ws/abc?token=[redacted]&x=1" [accepted]'
    )


async def test_a_socket_that_stops_reading_is_closed_not_waited_for() -> None:
    class StuckSocket:
        closed_with: tuple[int, str | None] | None = None

        async def send_text(self, data: str) -> None:
            await asyncio.Event().wait()  # the peer never reads

        async def close(self, code: int = 1000, reason: str | None = None) -> None:
            self.closed_with = (code, reason)

    class Reader(StuckSocket):
        received: list[str]

        async def send_text(self, data: str) -> None:
            self.received.append(data)

    hub = ConnectionHub("redis://unused")
    stuck, fine = StuckSocket(), Reader()
    fine.received = []
    stuck_connection = hub.connect("u1", stuck)
    hub.connect("u2", fine)
    for number in range(SEND_QUEUE_SIZE + 2):
        hub.deliver_all(str(number))
        await asyncio.sleep(0)  # the reader keeps up; the stuck one falls behind
    await asyncio.sleep(0.05)
    assert stuck.closed_with == (1013, "too_slow")
    assert len(fine.received) == SEND_QUEUE_SIZE + 2
    await hub.disconnect(stuck_connection)
    await hub.stop()


async def test_a_report_answered_pending_reaches_both_owners_over_their_sockets(
    client: httpx.AsyncClient, live_apis: list[LiveApi], make_app: AppFactory
) -> None:
    first, second = live_apis
    owner_photo, finder_photo = shots(14)
    loser, finder = await register(client), await register(client)
    lost = (await submit(client, loser, "lost", photo=owner_photo, **LOST)).json()["item"]
    loser_socket = await open_socket(first, loser)
    finder_socket = await open_socket(second, finder)
    # An API process that does not wait: the report is answered before it is analysed.
    async with make_app(match_wait_ms=0) as impatient, asgi_client(impatient) as fast:
        response = await submit(fast, finder, "found", photo=finder_photo, **LOST)
    assert response.status_code == 201 and response.json()["matching"] == "pending"
    found = response.json()["item"]

    async def events_until_analysed(socket: ClientConnection) -> list[dict[str, Any]]:
        received = [await next_event(socket, 60)]
        while received[-1]["type"] != "item_analysed":
            received.append(await next_event(socket, 60))
        return received

    finder_events = await events_until_analysed(finder_socket)
    assert [e["type"] for e in finder_events] == ["new_match", "item_analysed"]
    assert finder_events[0]["match"]["item_id"] == found["id"]
    assert finder_events[1] == {
        "type": "item_analysed",
        "item_id": found["id"],
        "analysis_status": "done",
        "analysis_error": None,
        "new_matches": 1,
    }
    told = await next_event(loser_socket, 60)
    assert told["type"] == "new_match" and told["match"]["item_id"] == lost["id"]
    assert told["match"]["id"] == finder_events[0]["match"]["id"]
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(loser_socket.recv(), 0.5)
    await loser_socket.close()
    await finder_socket.close()
