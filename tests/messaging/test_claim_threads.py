"""A claimant and a venue's desk: every member answers for the desk, strangers and other
venues' members get 404, the claimant sees the desk's numbers once the claim is approved, and
a member who deletes their account leaves "deleted" messages behind."""

from __future__ import annotations

from typing import Any

import httpx

from mafqood.composition.container import Container
from tests.factories import Account, register
from tests.messaging.helpers import messages, send, sent
from tests.venues.claim_helpers import SECRET, assert_error, decide, file_claim
from tests.venues.helpers import add_member, create_venue, intake_one


async def _claim_thread(
    client: httpx.AsyncClient, account: Account, claim_id: str
) -> dict[str, Any]:
    response = await client.get(f"/api/v1/claims/{claim_id}/thread", headers=account.headers)
    assert response.status_code == 200, response.text
    thread: dict[str, Any] = response.json()
    return thread


async def _message_notices(client: httpx.AsyncClient, account: Account) -> list[dict[str, Any]]:
    listed = await client.get("/api/v1/notifications", headers=account.headers)
    return [n for n in listed.json()["notifications"] if n["type"] == "message"]


async def test_claimant_and_desk_talk_in_the_claims_thread(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    item = await intake_one(client, staff, venue["id"], control_details=SECRET)
    claimant = await register(client, full_name="Sara Claimant")
    claim = await file_claim(client, claimant, item["id"])
    thread = await _claim_thread(client, claimant, claim["id"])
    assert thread["my_side"] == "owner" and thread["claim_id"] == claim["id"]
    assert thread["item_id"] == item["id"] and thread["match_id"] is None
    for member in (staff, owner):
        assert (await _claim_thread(client, member, claim["id"]))["my_side"] == "finder"

    # Strangers: another account, another venue's owner, another claimant of the same item.
    other_venue_owner = await register(client)
    await create_venue(client, other_venue_owner, name="Mall of the Emirates")
    rival = await register(client)
    await file_claim(client, rival, item["id"])
    for account in (other_venue_owner, rival, await register(client)):
        response = await client.get(f"/api/v1/claims/{claim['id']}/thread", headers=account.headers)
        assert_error(response, 404, "not_found")
        assert_error(await send(client, account, thread["id"], "hi"), 404, "not_found")

    question = await sent(client, claimant, thread["id"], "When can I come to collect it?")
    # Every member hears of it, in a notification of type message.
    for member in (staff, owner):
        listed = (await client.get("/api/v1/notifications", headers=member.headers)).json()
        assert any(
            n["type"] == "message" and "collect" in n["message"] for n in listed["notifications"]
        )
    answer = await sent(client, staff, thread["id"], "We open at 9. Call the desk on 04 362 7500.")
    page = await messages(client, claimant, thread["id"])
    assert page["messages"][0]["text"] == "We open at 9. Call the desk on •••."
    # The desk must not give the answers away.
    leak = await send(client, owner, thread["id"], f"Is it: {SECRET.lower()}?")
    assert_error(leak, 422, "validation_error")
    # A colleague sees the staff member's answer as written (same side).
    colleague_view = await messages(client, owner, thread["id"])
    assert colleague_view["messages"][0]["text"] == answer["text"]
    assert colleague_view["messages"][0]["mine"] is True

    assert (await decide(client, staff, claim["id"], "approve")).status_code == 200
    page = await messages(client, claimant, thread["id"])
    assert page["thread"]["contacts_shared"] is True
    assert page["messages"][0]["text"] == "We open at 9. Call the desk on 04 362 7500."

    # The staff member leaves for good: their message stays, as "deleted", and the claimant's
    # notice of it (their name, their words) goes.
    assert len(await _message_notices(client, claimant)) == 1
    gone = await client.request(
        "DELETE", "/auth/users/me", json={"password": staff.password}, headers=staff.headers
    )
    assert gone.status_code in (200, 204), gone.text
    page = await messages(client, claimant, thread["id"])
    by_id = {m["id"]: m for m in page["messages"]}
    assert by_id[answer["id"]]["state"] == "deleted"
    assert by_id[answer["id"]]["text"] is None and by_id[answer["id"]]["sender_name"] is None
    assert by_id[question["id"]]["text"] == "When can I come to collect it?"
    assert await _message_notices(client, claimant) == []
    # The desk goes on answering.
    assert (await send(client, owner, thread["id"], "See you at 9.")).status_code == 201
    assert len(await _message_notices(client, claimant)) == 1
    listed = (await client.get("/api/v1/threads", headers=claimant.headers)).json()["threads"]
    assert [t["id"] for t in listed] == [thread["id"]] and listed[0]["unread_count"] == 2
