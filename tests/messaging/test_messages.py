"""Messages through the API: masking until contacts are shared, who may see a thread, bad
input, the idempotent send under real concurrency, the `since` cursor and paging, receipts
and unread counts, limits, blocking, reports, read-only threads, export and deletion."""

from __future__ import annotations

import asyncio
import io
import random
import uuid
from datetime import timedelta
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import func, select, update

from mafqood.composition.container import Container
from mafqood.items.models import Item
from mafqood.messaging.models import Message, MessageThread
from mafqood.messaging.retention import purge_ended
from tests import images
from tests.conftest import AppFactory, asgi_client
from tests.factories import make_admin, register
from tests.messaging.helpers import (
    CONTACTS,
    match_thread,
    matched_pair,
    messages,
    send,
    sent,
)
from tests.venues.claim_helpers import assert_error, field_error


async def test_other_side_sees_contacts_masked_until_both_say_yes(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    thread = await match_thread(client, pair.owner, pair.match_id)
    assert thread["my_side"] == "owner" and thread["contacts_shared"] is False
    mine = await sent(client, pair.owner, thread["id"], CONTACTS)
    assert mine["text"] == CONTACTS and mine["masked"] == [] and mine["mine"] is True
    [theirs] = (await messages(client, pair.finder, thread["id"]))["messages"]
    assert theirs["text"] == ("Call me on ••• or write to •••, photos at •••")
    assert sorted(theirs["masked"]) == ["email", "link", "phone"]
    assert "123" not in str(theirs) and "example" not in str(theirs)
    assert theirs["mine"] is False and theirs["sender_name"] == "Sara Owner"
    # Arabic-Indic digits are a phone number too.
    arabic = await sent(client, pair.finder, thread["id"], "رقمي ٠٥٠١٢٣٤٥٦٧ والمحفظة معي")
    page = await messages(client, pair.owner, thread["id"])
    assert page["messages"][0]["id"] == arabic["id"]
    assert page["messages"][0]["text"] == "رقمي ••• والمحفظة معي"
    # The owner's notification of it is masked as well.
    listed = await client.get("/api/v1/notifications", headers=pair.owner.headers)
    assert "٠٥٠" not in listed.text and "•••" in listed.text
    for account in (pair.owner, pair.finder):
        answer = await client.post(
            f"/api/v1/matches/{pair.match_id}/confirm",
            json={"confirmed": True},
            headers=account.headers,
        )
        assert answer.status_code == 200, answer.text
    page = await messages(client, pair.finder, thread["id"])
    assert page["thread"]["contacts_shared"] is True
    assert page["messages"][1]["text"] == CONTACTS and page["messages"][1]["masked"] == []


async def test_strangers_and_third_users_get_404_on_every_thread_route(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    thread = await match_thread(client, pair.owner, pair.match_id)
    message = await sent(client, pair.owner, thread["id"], "Hello")
    # A third user, with a match of their own with the same found report.
    third = await register(client)
    other = await matched_pair(client, container)
    tid, mid = thread["id"], message["id"]
    routes: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", f"/api/v1/matches/{pair.match_id}/thread", {}),
        ("GET", f"/api/v1/threads/{tid}", {}),
        ("GET", f"/api/v1/threads/{tid}/messages", {}),
        ("GET", f"/api/v1/threads/{tid}/messages?since=0", {}),
        ("POST", f"/api/v1/threads/{tid}/messages", {"data": {"text": "hi"}}),
        ("POST", f"/api/v1/threads/{tid}/read", {"json": {"up_to": 1}}),
        ("POST", f"/api/v1/threads/{tid}/block", {}),
        ("DELETE", f"/api/v1/threads/{tid}/block", {}),
        ("POST", f"/api/v1/messages/{mid}/report", {"json": {"reason": "spam"}}),
        ("GET", f"/api/v1/threads/{uuid.uuid4()}", {}),
        ("GET", f"/api/v1/matches/{uuid.uuid4()}/thread", {}),
        ("GET", f"/api/v1/claims/{uuid.uuid4()}/thread", {}),
    ]
    for account in (third, other.owner, other.finder):
        for method, url, body in routes:
            response = await client.request(method, url, headers=account.headers, **body)
            assert_error(response, 404, "not_found")
        listed = await client.get("/api/v1/threads", headers=account.headers)
        assert tid not in listed.text
    for method, url, body in routes[:3]:
        assert (await client.request(method, url, **body)).status_code == 401
    # Nothing was written by them.
    page = await messages(client, pair.finder, tid)
    assert [m["text"] for m in page["messages"]] == ["Hello"]
    assert page["thread"]["read_only"] is None


async def test_bad_input_is_refused_with_the_stable_body(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container, control_details="Initials S.K. engraved inside")
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    cases = [
        (await send(client, pair.owner, tid, "   "), 422, "text", "missing"),
        (await send(client, pair.owner, tid, "x" * 4001), 422, "text", "string_too_long"),
        (await send(client, pair.owner, tid, "a\x00b"), 422, "text", "nul_character"),
        (
            await send(
                client, pair.owner, tid, "four", photos=[images.jpeg(seed=n) for n in range(4)]
            ),
            422,
            "photos",
            "too_many_photos",
        ),
        (await send(client, pair.owner, tid, "hi", client_id="x" * 65), 422, "client_id", None),
        # The finder side repeating its own hidden details.
        (
            await send(client, pair.finder, tid, "Does it say  initials s.k. ENGRAVED inside?"),
            422,
            "text",
            "reveals_hidden_details",
        ),
    ]
    for response, status, field, reason in cases:
        body = assert_error(response, status, "validation_error")
        fields, _ = field_error(response)
        assert field in fields, body
        if reason:
            assert reason in response.text or body["detail"][0]["type"] == reason, body
    corrupt = await send(client, pair.owner, tid, "photo", photos=[b"not a photo at all"])
    assert corrupt.status_code in (415, 422), corrupt.text
    assert corrupt.json()["code"] in (
        "unsupported_media_type",
        "unsupported_image",
        "validation_error",
    )
    for query in ("since=1&before=3", "since=-1", "limit=0", "limit=101", "before=0"):
        response = await client.get(
            f"/api/v1/threads/{tid}/messages?{query}", headers=pair.owner.headers
        )
        assert_error(response, 422, "validation_error")
    for body in ({"up_to": -1}, {}, {"up_to": "x"}):
        response = await client.post(
            f"/api/v1/threads/{tid}/read", json=body, headers=pair.owner.headers
        )
        assert_error(response, 422, "validation_error")
    response = await client.get("/api/v1/threads/not-a-uuid", headers=pair.owner.headers)
    assert_error(response, 422, "validation_error")
    # Nothing of it was stored.
    assert (await messages(client, pair.owner, tid))["messages"] == []
    async with container.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Message)) == 0


async def test_the_same_client_id_sent_at_once_is_stored_once(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    client_id = str(uuid.uuid4())
    photo = images.jpeg(seed=41)
    answers = await asyncio.gather(
        *[
            send(client, pair.owner, tid, "Mine, I think", client_id=client_id, photos=[photo])
            for _ in range(6)
        ]
    )
    statuses = sorted(response.status_code for response in answers)
    assert statuses == [200, 200, 200, 200, 200, 201], [r.text for r in answers]
    ids = {response.json()["message"]["id"] for response in answers}
    assert len(ids) == 1
    assert [r.json()["created"] for r in answers if r.status_code == 201] == [True]
    page = await messages(client, pair.finder, tid)
    assert len(page["messages"]) == 1 and page["thread"]["last_seq"] == 1
    # Only the stored copy's photos remain in storage.
    stored = page["messages"][0]["photos"]
    assert len(stored) == 1
    [stored_id] = ids
    storage: Any = container.storage
    files = sorted(path.name for path in storage.path(f"messages/{tid}").iterdir())
    assert len(files) == 3 and all(name.startswith(f"{stored_id}_0") for name in files), files
    # Another client id is another message; the other side may reuse the same id.
    assert (
        await send(client, pair.owner, tid, "Again", client_id=str(uuid.uuid4()))
    ).status_code == 201
    assert (await send(client, pair.finder, tid, "Same id", client_id=client_id)).status_code == 201
    async with container.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Message)) == 3


async def test_concurrent_sends_are_numbered_without_gaps(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    answers = await asyncio.gather(
        *[
            send(client, account, tid, f"m{n}")
            for n in range(8)
            for account in (pair.owner, pair.finder)
        ]
    )
    assert all(response.status_code == 201 for response in answers)
    seqs = sorted(response.json()["message"]["seq"] for response in answers)
    assert seqs == list(range(1, 17))


async def test_paging_newest_first_and_the_since_cursor(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    for n in range(1, 6):
        await sent(client, pair.owner, tid, f"message {n}")
    first = await messages(client, pair.finder, tid, limit=2)
    assert [m["seq"] for m in first["messages"]] == [5, 4] and first["has_more"] is True
    older = await messages(client, pair.finder, tid, limit=2, before=4)
    assert [m["seq"] for m in older["messages"]] == [3, 2]
    last = await messages(client, pair.finder, tid, limit=2, before=2)
    assert [m["seq"] for m in last["messages"]] == [1] and last["has_more"] is False
    # A client that saw up to 3 and reconnects gets the rest, in the order sent.
    missed = await messages(client, pair.finder, tid, since=3)
    assert [m["text"] for m in missed["messages"]] == ["message 4", "message 5"]
    assert missed["has_more"] is False
    assert (await messages(client, pair.finder, tid, since=5))["messages"] == []
    partial = await messages(client, pair.finder, tid, since=0, limit=3)
    assert [m["seq"] for m in partial["messages"]] == [1, 2, 3] and partial["has_more"] is True


async def test_read_receipts_and_unread_counts(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    for text in ("one", "two", "three"):
        await sent(client, pair.owner, tid, text)
    listed = (await client.get("/api/v1/threads", headers=pair.finder.headers)).json()
    [row] = listed["threads"]
    assert row["id"] == tid and row["unread_count"] == 3 and row["last_message"]["text"] == "three"
    assert listed["pagination"]["total"] == 1
    mine = (await client.get("/api/v1/threads", headers=pair.owner.headers)).json()["threads"]
    assert mine[0]["unread_count"] == 0
    assert (await messages(client, pair.owner, tid))["messages"][0]["read_by_other_side"] is False
    read = await client.post(
        f"/api/v1/threads/{tid}/read", json={"up_to": 2}, headers=pair.finder.headers
    )
    assert read.status_code == 200 and read.json()["unread_count"] == 1
    # A mark never moves back, nor past the last message.
    await client.post(f"/api/v1/threads/{tid}/read", json={"up_to": 1}, headers=pair.finder.headers)
    read = await client.post(
        f"/api/v1/threads/{tid}/read", json={"up_to": 99}, headers=pair.finder.headers
    )
    assert read.json()["my_last_read_seq"] == 3 and read.json()["unread_count"] == 0
    page = await messages(client, pair.owner, tid)
    assert page["thread"]["other_side_read_seq"] == 3
    assert [m["read_by_other_side"] for m in page["messages"]] == [True, True, True]
    # The finder's notifications of the thread are read too.
    unread = await client.get("/api/v1/notifications?unread_only=true", headers=pair.finder.headers)
    assert all(n["type"] != "message" for n in unread.json()["notifications"])


async def test_per_thread_and_per_sender_limits(container: Container, make_app: AppFactory) -> None:
    limited = make_app(messages_per_thread_per_day=3, messages_per_user_per_hour=4)
    async with limited as app, asgi_client(app) as client:
        pair = await matched_pair(client, container)
        tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
        await sent(client, pair.owner, tid, "1")
        await sent(client, pair.finder, tid, "2")
        await sent(client, pair.owner, tid, "3")
        refused = await send(client, pair.finder, tid, "4")
        assert_error(refused, 429, "too_many_messages")
        assert 1 <= int(refused.headers["Retry-After"]) <= 86400
        # Per sender across threads: the owner sent 2 here, 2 more elsewhere is the limit.
        other = await matched_pair(client, container)
        async with container.sessionmaker() as session:
            await session.execute(
                update(Item)
                .where(Item.id == other.lost_id)
                .values(user_id=uuid.UUID(pair.owner.id))
            )
            await session.commit()
        tid2 = (await match_thread(client, pair.owner, other.match_id))["id"]
        await sent(client, pair.owner, tid2, "a")
        await sent(client, pair.owner, tid2, "b")
        refused = await send(client, pair.owner, tid2, "c")
        assert_error(refused, 429, "too_many_messages")
        assert 1 <= int(refused.headers["Retry-After"]) <= 3600
        # The other side of that thread still may write.
        assert (await send(client, other.finder, tid2, "fine")).status_code == 201


async def test_block_closes_the_thread_for_both_and_leaves_the_match(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    await sent(client, pair.finder, tid, "Hello")
    blocked = await client.post(f"/api/v1/threads/{tid}/block", headers=pair.owner.headers)
    assert blocked.status_code == 200 and blocked.json()["read_only"] == "blocked"
    assert blocked.json()["blocked_by_me"] is True
    for account in (pair.owner, pair.finder):
        assert_error(await send(client, account, tid, "more"), 409, "thread_blocked")
    assert_error(
        await client.post(f"/api/v1/threads/{tid}/block", headers=pair.finder.headers),
        409,
        "thread_already_blocked",
    )
    assert_error(
        await client.delete(f"/api/v1/threads/{tid}/block", headers=pair.finder.headers),
        409,
        "thread_not_blocked_by_you",
    )
    # Still readable; the match is as it was.
    assert len((await messages(client, pair.finder, tid))["messages"]) == 1
    answer = await client.post(
        f"/api/v1/matches/{pair.match_id}/confirm",
        json={"confirmed": True},
        headers=pair.finder.headers,
    )
    assert answer.status_code == 200, answer.text
    opened = await client.delete(f"/api/v1/threads/{tid}/block", headers=pair.owner.headers)
    assert opened.status_code == 200 and opened.json()["read_only"] is None
    assert (await send(client, pair.finder, tid, "again")).status_code == 201


async def test_a_reported_message_reaches_the_moderators(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    rude = await sent(client, pair.finder, tid, "Pay me 500 first, 050 123 4567")
    photo = await send(client, pair.finder, tid, "", photos=[images.jpeg(seed=77)])
    photo_message = photo.json()["message"]
    url = f"/api/v1/messages/{rude['id']}/report"
    assert_error(
        await client.post(url, json={"reason": "fraud"}, headers=pair.finder.headers),
        403,
        "cannot_report_own_message",
    )
    assert_error(
        await client.post(url, json={"reason": "nonsense"}, headers=pair.owner.headers),
        422,
        "validation_error",
    )
    reported = await client.post(
        url, json={"reason": "fraud", "details": "asks for money"}, headers=pair.owner.headers
    )
    assert reported.status_code == 201, reported.text
    assert_error(
        await client.post(url, json={"reason": "spam"}, headers=pair.owner.headers),
        409,
        "already_reported_message",
    )
    assert (
        await client.post(
            f"/api/v1/messages/{photo_message['id']}/report",
            json={"reason": "inappropriate"},
            headers=pair.owner.headers,
        )
    ).status_code == 201
    assert (
        await client.get("/api/v1/admin/reported-messages", headers=pair.owner.headers)
    ).status_code == 403
    admin = await register(client)
    await make_admin(container, admin)
    listed = (await client.get("/api/v1/admin/reported-messages", headers=admin.headers)).json()
    assert {m["id"] for m in listed["messages"]} == {rude["id"], photo_message["id"]}
    [first] = [m for m in listed["messages"] if m["id"] == rude["id"]]
    assert first["text"] == "Pay me 500 first, 050 123 4567" and first["reasons"] == ["fraud"]
    review = f"/api/v1/admin/messages/{photo_message['id']}/review"
    assert_error(
        await client.post(review, json={"action": "burn"}, headers=admin.headers),
        422,
        "validation_error",
    )
    # Only an administrator settles reports, and only of a message that exists.
    for who in (pair.owner, pair.finder):
        refused = await client.post(review, json={"action": "remove"}, headers=who.headers)
        assert refused.status_code == 403, refused.text
    unknown = f"/api/v1/admin/messages/{uuid.uuid4()}/review"
    assert (
        await client.post(unknown, json={"action": "remove"}, headers=admin.headers)
    ).status_code == 404
    assert (
        await client.post(review, json={"action": "remove"}, headers=admin.headers)
    ).status_code == 200
    assert (
        await client.post(
            f"/api/v1/admin/messages/{rude['id']}/review",
            json={"action": "dismiss"},
            headers=admin.headers,
        )
    ).status_code == 200
    assert (await client.get("/api/v1/admin/reported-messages", headers=admin.headers)).json()[
        "messages"
    ] == []
    page = await messages(client, pair.owner, tid)
    states = {m["id"]: (m["state"], m["text"], m["photos"]) for m in page["messages"]}
    assert states[photo_message["id"]] == ("removed", None, [])
    assert states[rude["id"]][0] == "sent"
    key = photo_message["photos"][0]["url"].split("/media/", 1)[1]
    assert not await container.storage.exists(key)
    # The owner's notice of the removed message went with it; the other stays.
    notices = await client.get("/api/v1/notifications", headers=pair.owner.headers)
    texts = [n["message"] for n in notices.json()["notifications"] if n["type"] == "message"]
    assert texts == ["Black wallet: Pay me 500 first, •••"]


async def test_a_closed_item_keeps_its_thread_read_only_for_30_days(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    await sent(client, pair.owner, tid, "Still there?")
    with_photo = await send(client, pair.finder, tid, "This one?", photos=[images.jpeg(seed=9)])
    key = with_photo.json()["message"]["photos"][0]["url"].split("/media/", 1)[1]
    other = await matched_pair(client, container)  # an open thread, kept
    other_tid = (await match_thread(client, other.owner, other.match_id))["id"]
    closed = await client.put(
        f"/api/v1/items/{pair.lost_id}/status",
        json={"status": "closed"},
        headers=pair.owner.headers,
    )
    assert closed.status_code == 200, closed.text
    for account in (pair.owner, pair.finder):
        assert_error(await send(client, account, tid, "hello?"), 409, "thread_item_closed")
        page = await messages(client, account, tid)
        assert page["thread"]["read_only"] == "item_closed" and len(page["messages"]) == 2
    async with container.sessionmaker() as session:
        await session.execute(
            update(Item)
            .where(Item.id == pair.lost_id)
            .values(updated_at=func.now() - timedelta(days=31))
        )
        await session.commit()
    for account in (pair.owner, pair.finder):
        response = await client.get(f"/api/v1/threads/{tid}/messages", headers=account.headers)
        assert_error(response, 404, "not_found")
        assert (await client.get("/api/v1/threads", headers=account.headers)).json()[
            "threads"
        ] == []
    # The hourly job deletes it, with its photos; an open thread stays.
    async with container.sessionmaker() as session:
        count, keys = await purge_ended(session)
        await session.commit()
    assert count == 1 and key in keys
    await container.storage.delete(keys)
    assert not await container.storage.exists(key)
    async with container.sessionmaker() as session:
        left = await session.scalars(select(MessageThread.id))
        assert [str(thread_id) for thread_id in left] == [other_tid]


async def test_a_rejected_match_makes_its_thread_read_only(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    no = await client.post(
        f"/api/v1/matches/{pair.match_id}/confirm",
        json={"confirmed": False},
        headers=pair.finder.headers,
    )
    assert no.status_code == 200
    assert_error(await send(client, pair.owner, tid, "why?"), 409, "thread_match_closed")


async def test_photos_go_through_the_photo_pipeline(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    response = await send(
        client,
        pair.finder,
        tid,
        "The back",
        photos=[images.jpeg_with_gps(seed=3), images.webp(seed=4)],
    )
    assert response.status_code == 201, response.text
    photos = response.json()["message"]["photos"]
    assert len(photos) == 2
    import io

    from PIL import Image

    for photo in photos:
        key = photo["url"].split("/media/", 1)[1]
        data = await container.storage.get(key)
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG" and not image.getexif().get_ifd(0x8825)
        served = await client.get(photo["thumbnail_url"].replace("http://test", ""))
        assert served.status_code == 200


async def test_a_phone_sized_photo_is_taken(
    client: httpx.AsyncClient, container: Container
) -> None:
    """More than the 1 MB of an ordinary request: a message's photos get a report's limit."""
    pair = await matched_pair(client, container)
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    noise = Image.frombytes("RGB", (1600, 1200), random.Random(7).randbytes(1600 * 1200 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=95)
    assert buffer.tell() > 2 * 2**20
    response = await send(client, pair.owner, tid, "Full size", photos=[buffer.getvalue()])
    assert response.status_code == 201, response.text


async def test_export_has_the_messages_and_deletion_leaves_deleted(
    client: httpx.AsyncClient, container: Container
) -> None:
    pair = await matched_pair(client, container)
    tid = (await match_thread(client, pair.owner, pair.match_id))["id"]
    await sent(client, pair.owner, tid, "Is it black?")
    answer = await send(
        client, pair.finder, tid, "Yes, with a red tag", photos=[images.jpeg(seed=5)]
    )
    reply = answer.json()["message"]
    await client.post(
        f"/api/v1/messages/{reply['id']}/report",
        json={"reason": "other"},
        headers=pair.owner.headers,
    )
    export = (await client.get("/api/v1/users/me/export", headers=pair.finder.headers)).json()
    assert [m["text"] for m in export["messages"]] == ["Yes, with a red tag"]
    assert export["messages"][0]["photos"][0]["url"] == reply["photos"][0]["url"]
    mine = (await client.get("/api/v1/users/me/export", headers=pair.owner.headers)).json()
    assert [m["text"] for m in mine["messages"]] == ["Is it black?"]
    assert [r["message_id"] for r in mine["message_reports"]] == [reply["id"]]
    # The finder's account goes: with it their report, its match and the thread.
    key = reply["photos"][0]["url"].split("/media/", 1)[1]
    assert await container.storage.exists(key)
    gone = await client.request(
        "DELETE",
        "/auth/users/me",
        json={"password": pair.finder.password},
        headers=pair.finder.headers,
    )
    assert gone.status_code in (200, 204), gone.text
    assert_error(
        await client.get(f"/api/v1/threads/{tid}", headers=pair.owner.headers), 404, "not_found"
    )
    assert not await container.storage.exists(key)
