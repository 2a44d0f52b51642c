"""Plain helpers that create things through the public API."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import update

from mafqood.composition.container import Container
from mafqood.core.config import Settings
from mafqood.items.models import Item
from mafqood.realtime.bus import EventBus
from mafqood.users.models import User
from tests import images

PASSWORD = "SecurePassword123"
_counter = itertools.count(1)


@dataclass
class Account:
    id: str
    email: str
    password: str
    token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def register(client: httpx.AsyncClient, **fields: Any) -> Account:
    body = {
        "email": f"user{next(_counter)}@example.com",
        "password": PASSWORD,
        "full_name": "Ahmad Ali",
        **fields,
    }
    response = await client.post("/auth/register", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return Account(
        data["user"]["id"], body["email"], body["password"], data["token"], data["refresh_token"]
    )


def item_form(**fields: Any) -> dict[str, str]:
    form = {
        "title": "Black iPhone 14 Pro",
        "description": "Black iPhone with a cracked screen",
        "category": "phone",
        "brand": "Apple",
        "color": "black",
        "location": "Dubai Mall",
        "location_detail": "Near Starbucks on ground floor",
        "location_type": "mall",
        "latitude": "25.1972",
        "longitude": "55.2744",
        "date_time": "2026-01-03T14:30:00Z",
        "contact_method": "in_app",
    }
    form.update({key: str(value) for key, value in fields.items() if value is not None})
    for key in [key for key, value in fields.items() if value is None]:
        form.pop(key, None)
    return form


async def submit(
    client: httpx.AsyncClient,
    account: Account,
    kind: str = "lost",
    photo: bytes | None = None,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
    **fields: Any,
) -> httpx.Response:
    photo = photo if photo is not None else images.jpeg(seed=next(_counter))
    return await client.post(
        f"/api/v1/{kind}",
        data=item_form(**fields),
        files={"image": (filename, photo, content_type)},
        headers=account.headers,
    )


async def create_item(
    client: httpx.AsyncClient, account: Account, kind: str = "lost", **fields: Any
) -> dict[str, Any]:
    response = await submit(client, account, kind, **fields)
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()["item"]
    return item


async def pin_match(
    sessions: Any, lost_id: str, found_id: str, similarity: float = 0.9, confidence: str = "high"
) -> str:
    """The match between two reports with the given numbers, whether or not the engine had
    already paired them (reports with the same text, place and time usually are)."""
    import uuid

    from sqlalchemy import select

    from mafqood.lifecycle.models import Match

    async with sessions() as session:
        pair = (uuid.UUID(lost_id), uuid.UUID(found_id))
        match = (
            await session.execute(
                select(Match).where(Match.user_item_id == pair[0], Match.matched_item_id == pair[1])
            )
        ).scalar_one_or_none()
        if match is None:
            match = Match(user_item_id=pair[0], matched_item_id=pair[1])
            session.add(match)
        match.similarity_score = similarity
        match.confidence = confidence
        match.matching_features = {"visual_similarity": 0.95, "category_match": True}
        await session.commit()
        return str(match.id)


async def wait_for(condition: Any, timeout: float = 20, interval: float = 0.1) -> Any:
    """Poll an async callable until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {value!r})")
        await asyncio.sleep(interval)


def report_row(owner_id: str | uuid.UUID, kind: str = "lost", **fields: Any) -> Item:
    """A report row as the API stores one (before its analysis), for tests that seed the
    database directly; `fields` override the defaults."""
    values: dict[str, Any] = {
        "user_id": uuid.UUID(str(owner_id)),
        "type": kind,
        "title": "Black wallet",
        "category": "wallet",
        "image_url": "http://test/media/x.jpg",
        "location": "Dubai Mall",
        "date_time": datetime(2026, 1, 3, 14, 30, tzinfo=UTC),
        "contact_method": "in_app",
    }
    return Item(**{**values, **fields})


async def insert_report(
    sessions: Any, owner_id: str | uuid.UUID, kind: str = "lost", **fields: Any
) -> uuid.UUID:
    async with sessions() as session:
        item = report_row(owner_id, kind, **fields)
        session.add(item)
        await session.commit()
        return item.id


NEW_PASSWORD = "BrandNewPassword9"


async def reset_password(
    client: httpx.AsyncClient, container: Container, account: Account
) -> httpx.Response:
    """Reset the password with the token the reset mail carries (the mail itself is followed
    in tests/notifications/test_password_reset.py)."""
    async with container.sessionmaker() as session:
        user = await session.get(User, uuid.UUID(account.id))
        assert user is not None
        token = container.tokens.reset_token(user.id, user.password_hash)
    return await client.post(
        "/auth/reset-password", json={"token": token, "new_password": NEW_PASSWORD}
    )


async def make_admin(container: Container, account: Account) -> None:
    async with container.sessionmaker() as session:
        await session.execute(
            update(User).where(User.id == uuid.UUID(account.id)).values(is_admin=True)
        )
        await session.commit()


class _JobsNotSent:
    async def send(self, task: str, args: list[Any], kwargs: dict[str, Any] | None = None) -> bool:
        return False


@dataclass(frozen=True)
class JobsHeldBack:
    """The process's effects, except that jobs stay in the outbox rather than go to the
    worker the test session runs: for a test that runs the job itself."""

    settings: Settings
    events: EventBus
    tasks: _JobsNotSent = field(default_factory=_JobsNotSent)

    @classmethod
    def of(cls, container: Container) -> JobsHeldBack:
        return cls(container.settings, container.bus)
