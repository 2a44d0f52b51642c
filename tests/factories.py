"""Plain helpers that create things through the public API."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx

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
