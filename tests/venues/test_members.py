"""Venues and their members: creation, settings, invitations by mail, export and deletion."""

from __future__ import annotations

import re
import uuid

import httpx
from sqlalchemy import update

from mafqood.composition.container import Container
from mafqood.venues.models import VenueMember
from tests.conftest import Mailbox
from tests.factories import PASSWORD, make_admin, register, wait_for
from tests.venues.helpers import (
    add_member,
    create_venue,
    intake_one,
    invite_owner,
    venue_body,
)
from tests.workers import WorkerProcess


async def _invitation_token(mailbox: Mailbox, to: str) -> str:
    async def arrived() -> str | None:
        for message in mailbox.messages:
            if message["To"] == to:
                body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
                found = re.search(r"token=([A-Za-z0-9_-]+)", body)
                return found.group(1) if found else None
        return None

    token: str = await wait_for(arrived)
    return token


async def test_invitation_mailed_and_accepted_once(
    client: httpx.AsyncClient, mailbox: Mailbox, worker: WorkerProcess
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner, name="Terminal 3 Lost Property")
    invitee = await register(client, preferred_language="ar")
    sent = await client.post(
        f"/api/v1/venues/{venue['id']}/invitations",
        json={"email": invitee.email.upper(), "role": "staff"},
        headers=owner.headers,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["email"] == invitee.email
    token = await _invitation_token(mailbox, invitee.email)
    message = next(m for m in mailbox.messages if m["To"] == invitee.email)
    assert "/staff/invitations/accept?token=" in message.get_payload(decode=True).decode()  # type: ignore[union-attr]

    # Only the invited address may accept.
    other = await register(client)
    wrong = await client.post(
        "/api/v1/venue-invitations/accept", json={"token": token}, headers=other.headers
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "invitation_other_email"
    accepted = await client.post(
        "/api/v1/venue-invitations/accept", json={"token": token}, headers=invitee.headers
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["my_role"] == "staff"
    again = await client.post(
        "/api/v1/venue-invitations/accept", json={"token": token}, headers=invitee.headers
    )
    assert again.status_code == 400 and again.json()["code"] == "invalid_invitation"
    members = await client.get(f"/api/v1/venues/{venue['id']}/members", headers=invitee.headers)
    assert {m["role"] for m in members.json()["members"]} == {"owner", "staff"}

    # Staff may not invite; inviting a member again is a conflict.
    by_staff = await client.post(
        f"/api/v1/venues/{venue['id']}/invitations",
        json={"email": "someone@example.com"},
        headers=invitee.headers,
    )
    assert by_staff.status_code == 403 and by_staff.json()["code"] == "venue_owner_only"
    assert (
        "المكان"
        in (
            await client.post(
                f"/api/v1/venues/{venue['id']}/invitations",
                json={"email": "someone@example.com"},
                headers={**invitee.headers, "Accept-Language": "ar"},
            )
        ).json()["message"]
    )
    twice = await client.post(
        f"/api/v1/venues/{venue['id']}/invitations",
        json={"email": invitee.email},
        headers=owner.headers,
    )
    assert twice.status_code == 409 and twice.json()["code"] == "already_member"

    pending = await client.post(
        f"/api/v1/venues/{venue['id']}/invitations",
        json={"email": "someone@example.com", "role": "owner"},
        headers=owner.headers,
    )
    listed = await client.get(f"/api/v1/venues/{venue['id']}/invitations", headers=owner.headers)
    assert listed.json()["invitations"][0]["email"] == "someone@example.com"
    path = f"/api/v1/venues/{venue['id']}/invitations/{pending.json()['id']}"
    assert (await client.delete(path, headers=owner.headers)).status_code == 204
    assert (await client.delete(path, headers=owner.headers)).status_code == 404


async def test_unknown_invitation_and_bad_bodies(client: httpx.AsyncClient) -> None:
    user = await register(client)
    unknown = await client.post(
        "/api/v1/venue-invitations/accept", json={"token": "x" * 32}, headers=user.headers
    )
    assert unknown.status_code == 400
    assert set(unknown.json()) >= {"code", "message", "detail", "request_id"}
    for body in (
        {},
        venue_body(latitude=91),
        venue_body(location_type="castle"),
        venue_body(name=""),
        venue_body(name="Mall\x00"),
        venue_body(desk_email="not-an-email"),
        venue_body(languages=["fr"]),
        venue_body(retention_days={"phone": 0}),
        venue_body(retention_days={"spaceship": 10}),
        venue_body(latitude="north"),
    ):
        response = await client.post("/api/v1/venues", json=body, headers=user.headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["code"] == "validation_error"
    anonymous = await client.post("/api/v1/venues", json=venue_body())
    assert anonymous.status_code == 401


async def test_owner_changes_settings_staff_may_not(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    path = f"/api/v1/venues/{venue['id']}"
    denied = await client.patch(path, json={"name": "Renamed"}, headers=staff.headers)
    assert denied.status_code == 403
    changed = await client.patch(
        path,
        json={"retention_days": {"phone": 120}, "desk_phone": "+97140000000", "name": None},
        headers=owner.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["retention_days"]["phone"] == 120
    assert changed.json()["retention_days"]["wallet"] == 90
    assert changed.json()["name"] == "Dubai Mall"
    # New intake shows the new desk phone.
    item = await intake_one(client, staff, venue["id"])
    assert item["contact_phone"] == "+97140000000"
    mine = await client.get("/api/v1/venues", headers=staff.headers)
    assert [(v["id"], v["my_role"]) for v in mine.json()["venues"]] == [(venue["id"], "staff")]


async def test_export_and_deletion_keep_the_venue_items(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    staff = await add_member(client, container, venue["id"])
    item = await intake_one(client, owner, venue["id"])
    export = await client.get("/api/v1/users/me/export", headers=owner.headers)
    assert export.status_code == 200, export.text
    data = export.json()
    assert data["venue_memberships"][0]["venue_id"] == venue["id"]
    assert data["venue_memberships"][0]["role"] == "owner"
    assert data["items"] == []  # the venue's item is the venue's
    deleted = await client.request(
        "DELETE", "/auth/users/me", json={"password": PASSWORD}, headers=owner.headers
    )
    assert deleted.status_code == 200, deleted.text
    # The item stays with the venue, and the staff member now owns the venue.
    still = await client.get(
        f"/api/v1/venues/{venue['id']}/items/{item['id']}", headers=staff.headers
    )
    assert still.status_code == 200
    mine = await client.get(f"/api/v1/venues/{venue['id']}", headers=staff.headers)
    assert mine.json()["my_role"] == "owner"


async def test_administrator_appoints_an_owner(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    admin, newcomer = await register(client), await register(client)
    path = f"/api/v1/admin/venues/{venue['id']}/owners"
    assert (
        await client.post(path, json={"email": newcomer.email}, headers=owner.headers)
    ).status_code == 403
    await make_admin(container, admin)
    appointed = await client.post(path, json={"email": newcomer.email}, headers=admin.headers)
    assert appointed.status_code == 200, appointed.text
    roles = {m["email"]: m["role"] for m in appointed.json()["members"]}
    assert roles == {owner.email: "owner", newcomer.email: "owner"}
    unknown = await client.post(path, json={"email": "nobody@example.com"}, headers=admin.headers)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["type"] == "unknown_account"
    missing = await client.post(
        "/api/v1/admin/venues/00000000-0000-0000-0000-000000000000/owners",
        json={"email": newcomer.email},
        headers=admin.headers,
    )
    assert missing.status_code == 404


async def test_invitations_go_with_their_senders_role(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    venue = await create_venue(client, owner)
    path = f"/api/v1/venues/{venue['id']}"
    removed = await add_member(client, container, venue["id"], role="owner")
    demoted = await add_member(client, container, venue["id"], role="owner")
    by_removed = await invite_owner(client, container, venue["id"], removed, "from-removed")
    by_demoted = await invite_owner(client, container, venue["id"], demoted, "from-demoted")
    by_owner = await invite_owner(client, container, venue["id"], owner, "from-owner")

    # The sender removed: their invitations are revoked with them.
    gone = await client.delete(f"{path}/members/{removed.id}", headers=owner.headers)
    assert gone.status_code == 204
    listed = await client.get(f"{path}/invitations", headers=owner.headers)
    assert {i["email"] for i in listed.json()["invitations"]} == {
        by_demoted.email,
        by_owner.email,
    }
    # The sender now staff: no longer allowed to invite, so the invitation is refused.
    async with container.sessionmaker() as session:
        await session.execute(
            update(VenueMember)
            .where(VenueMember.user_id == uuid.UUID(demoted.id))
            .values(role="staff")
        )
        await session.commit()
    accept = "/api/v1/venue-invitations/accept"
    for invitee, token in ((by_removed, "from-removed"), (by_demoted, "from-demoted")):
        refused = await client.post(accept, json={"token": token}, headers=invitee.headers)
        assert refused.status_code == 400, refused.text
        assert refused.json()["code"] == "invalid_invitation"
        mine = await client.get("/api/v1/venues", headers=invitee.headers)
        assert mine.json()["venues"] == []
    accepted = await client.post(accept, json={"token": "from-owner"}, headers=by_owner.headers)
    assert accepted.status_code == 200 and accepted.json()["my_role"] == "owner"
