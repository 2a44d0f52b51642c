from __future__ import annotations

import re

import httpx

from tests.conftest import Mailbox
from tests.factories import PASSWORD, register, wait_for
from tests.workers import WorkerProcess


async def _mail(mailbox: Mailbox, count: int = 1) -> None:
    async def arrived() -> bool:
        return len(mailbox.messages) >= count

    await wait_for(arrived)


def _token_from(mailbox: Mailbox) -> str:
    [message] = mailbox.messages
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    match = re.search(r"token=([A-Za-z0-9._-]+)", body)
    assert match, body
    return match.group(1)


async def test_forgot_mail_reset_login(
    client: httpx.AsyncClient, mailbox: Mailbox, worker: WorkerProcess
) -> None:
    account = await register(client)
    response = await client.post("/auth/forgot-password", json={"email": account.email})
    assert response.status_code == 200
    assert response.json() == {"message": "Password reset email sent"}
    await _mail(mailbox)
    assert mailbox.messages[0]["To"] == account.email
    assert mailbox.messages[0]["Subject"] == "Reset your Mafqood password"
    token = _token_from(mailbox)

    new_password = "BrandNewPassword9"
    reset = await client.post(
        "/auth/reset-password", json={"token": token, "new_password": new_password}
    )
    assert reset.status_code == 200

    old = await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    assert old.status_code == 401
    new = await client.post("/auth/login", json={"email": account.email, "password": new_password})
    assert new.status_code == 200
    # The reset ended every earlier login.
    refresh = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    assert refresh.status_code == 401
    # And the link works once.
    again = await client.post(
        "/auth/reset-password", json={"token": token, "new_password": "AnotherOne77"}
    )
    assert again.status_code == 400 and again.json()["code"] == "invalid_reset_token"


async def test_forgot_for_unknown_email_answers_the_same_and_sends_nothing(
    client: httpx.AsyncClient, mailbox: Mailbox, worker: WorkerProcess
) -> None:
    response = await client.post("/auth/forgot-password", json={"email": "ghost@example.com"})
    assert response.status_code == 200
    assert response.json() == {"message": "Password reset email sent"}
    # A real account's mail, asked for afterwards, is the only one that arrives.
    account = await register(client)
    await client.post("/auth/forgot-password", json={"email": account.email})
    await _mail(mailbox)
    assert [message["To"] for message in mailbox.messages] == [account.email]


async def test_reset_mail_in_arabic_for_arabic_users(
    client: httpx.AsyncClient, mailbox: Mailbox, worker: WorkerProcess
) -> None:
    account = await register(client, preferred_language="ar")
    await client.post("/auth/forgot-password", json={"email": account.email})
    await _mail(mailbox)
    body = mailbox.messages[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "مفقود" in body


async def test_reset_password_bad_input(
    client: httpx.AsyncClient, mailbox: Mailbox, worker: WorkerProcess
) -> None:
    account = await register(client)
    await client.post("/auth/forgot-password", json={"email": account.email})
    await _mail(mailbox)
    token = _token_from(mailbox)
    weak = await client.post("/auth/reset-password", json={"token": token, "new_password": "weak"})
    assert weak.status_code == 422
    assert weak.json()["detail"][0]["loc"] == ["body", "new_password"]
    garbage = await client.post(
        "/auth/reset-password", json={"token": "garbage", "new_password": "GoodPassword1"}
    )
    assert garbage.status_code == 400
    access_as_reset = await client.post(
        "/auth/reset-password", json={"token": account.token, "new_password": "GoodPassword1"}
    )
    assert access_as_reset.status_code == 400
    bad_email = await client.post("/auth/forgot-password", json={"email": "nope"})
    assert bad_email.status_code == 422
