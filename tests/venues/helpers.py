"""Helpers that set up venues, members and desk items through the public API."""

from __future__ import annotations

import itertools
import json
import uuid
from typing import Any

import httpx
from sqlalchemy import update

from mafqood.composition.container import Container
from mafqood.users.tokens import hash_token
from mafqood.venues.models import VenueInvitation, VenueMember
from tests import images
from tests.factories import Account, register
from tests.venues.verification import mark_verified

_seeds = itertools.count(5000)


def venue_body(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Dubai Mall",
        "location": "Dubai Mall, Financial Centre Road",
        "location_type": "mall",
        "latitude": 25.1972,
        "longitude": 55.2744,
        "desk_phone": "+97143627500",
        "desk_email": "desk@dubaimall.example",
        "opening_hours": "Daily 10:00-24:00",
        "languages": ["en", "ar"],
        **fields,
    }


async def create_venue(
    client: httpx.AsyncClient, owner: Account, *, verified: bool = True, **fields: Any
) -> dict[str, Any]:
    """A venue, verified (as an administrator would) unless verified=False: most tests are
    about a venue in service; verification has its own tests."""
    response = await client.post("/api/v1/venues", json=venue_body(**fields), headers=owner.headers)
    assert response.status_code == 201, response.text
    venue: dict[str, Any] = response.json()
    assert venue["verification"] == "pending"
    if verified:
        await mark_verified(venue["id"])
        venue["verification"] = "verified"
    return venue


async def add_member(
    client: httpx.AsyncClient, container: Container, venue_id: str, role: str = "staff"
) -> Account:
    """A new account made a member directly in the database (invitations have own tests)."""
    account = await register(client)
    async with container.sessionmaker() as session:
        session.add(
            VenueMember(venue_id=uuid.UUID(venue_id), user_id=uuid.UUID(account.id), role=role)
        )
        await session.commit()
    return account


def entry(photo: str, **fields: Any) -> dict[str, Any]:
    return {
        "photo": photo,
        "title": "Black leather wallet",
        "description": "Black wallet with two cards",
        "category": "wallet",
        "storage_location": "Room B / shelf 2",
        **fields,
    }


async def intake(
    client: httpx.AsyncClient,
    account: Account,
    venue_id: str,
    entries: list[dict[str, Any]],
    photos: dict[str, bytes] | None = None,
    language: str = "en",
) -> httpx.Response:
    """POST several items; photos default to a fresh JPEG per entry's `photo` name."""
    if photos is None:
        photos = {e["photo"]: images.jpeg(seed=next(_seeds)) for e in entries}
    files = [(name, (f"{name}.jpg", data, "image/jpeg")) for name, data in photos.items()]
    return await client.post(
        f"/api/v1/venues/{venue_id}/items",
        data={"items": json.dumps(entries)},
        files=files,
        headers={**account.headers, "Accept-Language": language},
    )


async def intake_one(
    client: httpx.AsyncClient, account: Account, venue_id: str, **fields: Any
) -> dict[str, Any]:
    response = await intake(client, account, venue_id, [entry("p0", **fields)])
    assert response.status_code == 201, response.text
    [result] = response.json()["results"]
    assert result["created"], result
    item: dict[str, Any] = result["item"]
    return item


async def invite_owner(
    client: httpx.AsyncClient, container: Container, venue_id: str, sender: Account, token: str
) -> Account:
    """An owner invitation from `sender` to a new account, its mailed token replaced by a
    known one (the mail itself has its own test)."""
    invitee = await register(client)
    sent = await client.post(
        f"/api/v1/venues/{venue_id}/invitations",
        json={"email": invitee.email, "role": "owner"},
        headers=sender.headers,
    )
    assert sent.status_code == 201, sent.text
    async with container.sessionmaker() as session:
        await session.execute(
            update(VenueInvitation)
            .where(VenueInvitation.id == uuid.UUID(sent.json()["id"]))
            .values(token_hash=hash_token(token))
        )
        await session.commit()
    return invitee
