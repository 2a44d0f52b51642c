"""Messages between two phones: real uvicorn servers with real WebSocket connections (one
side on each API instance), pushes through the local FCM server sent by a real worker, read
receipts, and a reconnect that catches up with the `since` cursor."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from mafqood.composition.container import Container
from tests.factories import wait_for
from tests.messaging.helpers import CONTACTS, match_thread, matched_pair
from tests.notifications.conftest import FakeFcm, LiveApi, add_device
from tests.notifications.test_realtime import next_event, open_socket
from tests.workers import WorkerProcess


async def _send(api: LiveApi, token: str, thread_id: str, text: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=api.url) as http:
        response = await http.post(
            f"/api/v1/threads/{thread_id}/messages",
            data={"text": text},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 201, response.text
    message: dict[str, Any] = response.json()["message"]
    return message


async def test_both_sides_talk_over_sockets_and_push(
    client: httpx.AsyncClient,
    container: Container,
    live_apis: list[LiveApi],
    worker: WorkerProcess,
    fcm: FakeFcm,
) -> None:
    first, second = live_apis
    pair = await matched_pair(client, container)  # the finder reads Arabic
    await add_device(container, pair.owner.id, "owner-phone")
    await add_device(container, pair.finder.id, "finder-phone")
    thread = await match_thread(client, pair.owner, pair.match_id)
    tid = thread["id"]
    owner_socket = await open_socket(first, pair.owner)
    finder_socket = await open_socket(second, pair.finder)

    sent = await _send(first, pair.owner.token, tid, CONTACTS)
    event = await next_event(finder_socket)
    assert event["type"] == "new_message" and event["thread_id"] == tid
    assert event["match_id"] == str(pair.match_id) and event["claim_id"] is None
    assert event["message"]["id"] == sent["id"] and event["message"]["seq"] == 1
    assert event["message"]["text"] == "Call me on ••• or write to •••, photos at •••"
    assert event["notification"]["type"] == "message"
    assert event["notification"]["title"] == "رسالة من Sara Owner"
    assert "123" not in event["notification"]["message"]
    # The sender's own devices hear of it too, as written and without a notification.
    own = await next_event(owner_socket)
    assert own["type"] == "new_message" and own["message"]["text"] == CONTACTS
    assert "notification" not in own

    [push] = await wait_for(lambda: _pushed(fcm, "finder-phone"))
    assert push["notification"]["title"] == "رسالة من Sara Owner"
    assert "•••" in push["notification"]["body"] and "123" not in push["notification"]["body"]
    assert push["data"]["thread_id"] == tid and push["data"]["type"] == "message"
    assert fcm.sent_to("owner-phone") == []

    reply = await _send(second, pair.finder.token, tid, "نعم، المحفظة معي. Yes, I have it.")
    event = await next_event(owner_socket)
    assert event["message"]["id"] == reply["id"] and event["message"]["side"] == "finder"
    assert event["notification"]["title"] == "Message from Omar Finder"
    assert (await next_event(finder_socket))["message"]["id"] == reply["id"]
    [push] = await wait_for(lambda: _pushed(fcm, "owner-phone"))
    assert push["notification"]["body"] == "Black wallet: نعم، المحفظة معي. Yes, I have it."

    # Read receipt: the owner read both; the finder's socket hears it.
    read = await client.post(
        f"/api/v1/threads/{tid}/read", json={"up_to": 2}, headers=pair.owner.headers
    )
    assert read.status_code == 200
    receipt = await next_event(finder_socket)
    assert receipt == {"type": "messages_read", "thread_id": tid, "side": "owner", "up_to": 2}

    # The finder's phone loses its connection; two messages arrive meanwhile.
    await finder_socket.close()
    missed = [await _send(first, pair.owner.token, tid, f"Are you there? {n}") for n in (1, 2)]
    finder_socket = await open_socket(first, pair.finder)
    caught_up = await client.get(
        f"/api/v1/threads/{tid}/messages", params={"since": 2}, headers=pair.finder.headers
    )
    assert [m["id"] for m in caught_up.json()["messages"]] == [m["id"] for m in missed]
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(finder_socket.recv(), 0.3)
    for socket in (owner_socket, finder_socket):
        await socket.close()


async def _pushed(fcm: FakeFcm, token: str) -> list[dict[str, Any]]:
    return fcm.sent_to(token)
