"""An access token stops working as soon as its login ends: logout, a password reset, or the
re-use of a rotated refresh token."""

from __future__ import annotations

import httpx

from mafqood.composition.container import Container
from tests.factories import NEW_PASSWORD, PASSWORD, Account, register, reset_password


async def _me(client: httpx.AsyncClient, token: str, language: str = "en") -> httpx.Response:
    return await client.get(
        "/auth/users/me",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
    )


async def _login(client: httpx.AsyncClient, account: Account) -> dict[str, str]:
    response = await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def _assert_revoked(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "session_revoked"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_logout_ends_that_logins_access_token_only(client: httpx.AsyncClient) -> None:
    account = await register(client)
    phone = await _login(client, account)
    assert (await _me(client, account.token)).status_code == 200

    response = await client.post("/auth/logout", json={"refresh_token": account.refresh_token})
    assert response.status_code == 200

    _assert_revoked(await _me(client, account.token))
    arabic = await _me(client, account.token, "ar")
    assert arabic.status_code == 401
    assert arabic.json()["message"] == "تم تسجيل خروجك من هذه الجلسة. يرجى تسجيل الدخول مرة أخرى."
    assert (await _me(client, phone["token"])).status_code == 200


async def test_refreshed_tokens_belong_to_the_same_login(client: httpx.AsyncClient) -> None:
    account = await register(client)
    rotated = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    assert rotated.status_code == 200
    pair = rotated.json()
    # Rotation keeps the login open: the earlier access token still works until it expires.
    assert (await _me(client, account.token)).status_code == 200
    assert (await _me(client, pair["token"])).status_code == 200

    await client.post("/auth/logout", json={"refresh_token": pair["refresh_token"]})
    _assert_revoked(await _me(client, account.token))
    _assert_revoked(await _me(client, pair["token"]))


async def test_password_reset_ends_every_login(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    phone = await _login(client, account)
    response = await reset_password(client, container, account)
    assert response.status_code == 200

    _assert_revoked(await _me(client, account.token))
    _assert_revoked(await _me(client, phone["token"]))
    fresh = await client.post(
        "/auth/login", json={"email": account.email, "password": NEW_PASSWORD}
    )
    assert (await _me(client, fresh.json()["token"])).status_code == 200


async def test_refresh_token_reuse_ends_that_login(client: httpx.AsyncClient) -> None:
    account = await register(client)
    phone = await _login(client, account)
    rotated = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    assert rotated.status_code == 200

    reuse = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    assert reuse.status_code == 401 and reuse.json()["code"] == "token_reused"

    _assert_revoked(await _me(client, account.token))
    _assert_revoked(await _me(client, rotated.json()["token"]))
    assert (await _me(client, phone["token"])).status_code == 200
