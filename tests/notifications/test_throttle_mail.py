"""Mail of the per-account limits, delivered by the real worker: the owner hears of a paused
account, and a mailbox gets a bounded number of reset mails."""

from __future__ import annotations

from email.message import Message

from mafqood.composition.container import Container
from tests.conftest import AppFactory, Mailbox, asgi_client
from tests.factories import register, wait_for
from tests.notifications.conftest import pending_jobs
from tests.workers import WorkerProcess

LIMITS = {"rate_limit_enabled": True}


def text_of(message: Message) -> str:
    return message.get_payload(decode=True).decode()  # type: ignore[union-attr]


async def delivered(mailbox: Mailbox, container: Container, count: int) -> list[Message]:
    """The mail once at least count arrived and nothing is left to send."""

    async def settled() -> bool:
        return len(mailbox.messages) >= count and await pending_jobs(container) == 0

    await wait_for(settled)
    return list(mailbox.messages)


async def test_the_owner_of_a_paused_account_gets_a_mail_in_their_language(
    make_app: AppFactory, container: Container, mailbox: Mailbox, worker: WorkerProcess
) -> None:
    async with make_app(**LIMITS) as app, asgi_client(app, "198.51.100.210") as home:
        owner = await register(home, preferred_language="ar")
        for number in range(12):
            async with asgi_client(app, f"203.0.113.{number % 6 + 1}") as client:
                await client.post(
                    "/auth/login", json={"email": owner.email, "password": "Wrong-pass-1"}
                )
    [alert] = await delivered(mailbox, container, 1)
    assert alert["To"] == owner.email
    body = text_of(alert)
    assert "كلمة مرور خاطئة لحسابك في مفقود 10 مرات" in body


async def test_a_mailbox_gets_at_most_three_reset_mails_an_hour(
    make_app: AppFactory, container: Container, mailbox: Mailbox, worker: WorkerProcess
) -> None:
    async with make_app(**LIMITS) as app:
        async with asgi_client(app, "198.51.100.220") as home:
            owner = await register(home)
        answers = set()
        for email in (owner.email, owner.email.upper(), "ghost@example.com"):
            for number in range(8):
                async with asgi_client(app, f"203.0.113.{number + 20}") as client:
                    answer = await client.post("/auth/forgot-password", json={"email": email})
                answers.add((answer.status_code, answer.text))
    # Every request, for the account (in any case) or for no account, was answered alike.
    assert answers == {(200, '{"message":"Password reset email sent"}')}
    mails = await delivered(mailbox, container, 3)
    assert [mail["To"] for mail in mails] == [owner.email] * 3
