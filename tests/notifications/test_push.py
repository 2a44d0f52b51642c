"""The FCM HTTP v1 client against the local server speaking FCM's format, and one
notification's delivery run in-process."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from mafqood.composition.container import Container
from mafqood.notifications import delivery
from mafqood.notifications.models import Notification
from mafqood.notifications.service import notify
from mafqood.push import (
    FcmClient,
    PushConfigError,
    PushTemporaryError,
    ServiceAccount,
    make_fcm_client,
)
from mafqood.worker.outbox import OutboxJob
from tests.conftest import Servers, make_settings
from tests.factories import JobsHeldBack, register
from tests.notifications.conftest import FakeFcm, add_device


@pytest.fixture
async def client_for(
    fcm: FakeFcm, fcm_server: tuple[FakeFcm, Path], servers: Servers
) -> AsyncIterator[Callable[..., FcmClient]]:
    _, credentials = fcm_server
    made: list[FcmClient] = []

    def build(**overrides: object) -> FcmClient:
        settings = make_settings(
            servers,
            fcm_credentials_file=credentials,
            fcm_base_url=fcm.url,
            fcm_backoff_seconds=0.01,
            **overrides,
        )
        client = make_fcm_client(settings)
        assert client is not None
        made.append(client)
        return client

    yield build
    for client in made:
        await client.aclose()


async def test_sends_in_fcm_format_and_reuses_the_access_token(
    client_for: Callable[..., FcmClient], fcm: FakeFcm
) -> None:
    client = client_for()
    first = await client.send("token-a", "Title", "Body", {"k": "v"}, badge=3)
    second = await client.send("token-b", "Title 2", "Body 2")
    assert first.outcome == "sent" and first.message_name == "projects/mafqood-test/messages/1"
    assert second.outcome == "sent"
    assert fcm.token_requests == 1
    assert fcm.sent[0] == {
        "token": "token-a",
        "notification": {"title": "Title", "body": "Body"},
        "data": {"k": "v"},
        "android": {
            "priority": "high",
            "notification": {"sound": "default", "channel_id": "matches"},
        },
        "apns": {"payload": {"aps": {"sound": "default", "badge": 3}}},
    }


async def test_unregistered_token_is_reported(
    client_for: Callable[..., FcmClient], fcm: FakeFcm
) -> None:
    fcm.unregistered.add("gone")
    result = await client_for().send("gone", "t", "b")
    assert result.outcome == "unregistered"
    assert fcm.attempts == [("gone", 404)]


async def test_429_and_5xx_are_retried_with_backoff(
    client_for: Callable[..., FcmClient], fcm: FakeFcm
) -> None:
    fcm.failures.extend([(429, {"Retry-After": "1"}), (503, {}), (500, {})])
    started = time.monotonic()
    result = await client_for().send("phone", "t", "b")
    elapsed = time.monotonic() - started
    assert result.outcome == "sent"
    assert [status for _, status in fcm.attempts] == [429, 503, 500, 200]
    # Retry-After: 1 was honoured, then short exponential waits.
    assert elapsed >= 1.0


async def test_gives_up_after_max_attempts_with_a_temporary_error(
    client_for: Callable[..., FcmClient], fcm: FakeFcm
) -> None:
    fcm.failures.extend([(503, {})] * 3)
    with pytest.raises(PushTemporaryError):
        await client_for(fcm_max_attempts=3).send("phone", "t", "b")
    assert len(fcm.attempts) == 3


async def test_long_retry_after_is_left_to_the_caller(
    client_for: Callable[..., FcmClient], fcm: FakeFcm
) -> None:
    fcm.failures.append((429, {"Retry-After": "120"}))
    with pytest.raises(PushTemporaryError) as caught:
        await client_for().send("phone", "t", "b")
    assert caught.value.retry_after == 120
    assert len(fcm.attempts) == 1


async def test_a_revoked_access_token_is_renewed_once(
    client_for: Callable[..., FcmClient], fcm: FakeFcm
) -> None:
    client = client_for()
    await client.send("phone", "t", "b")
    client._token = "ya29.revoked"  # what FCM answers 401 to
    client._token_expires = time.monotonic() + 3600
    result = await client.send("phone", "t", "b")
    assert result.outcome == "sent"
    assert fcm.token_requests == 2


async def test_wrong_credentials_are_a_configuration_error(fcm: FakeFcm, tmp_path: Path) -> None:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    account = ServiceAccount(
        project_id="mafqood-test",
        client_email="push@example.iam.gserviceaccount.com",
        private_key=pem,
        token_uri=f"{fcm.url}/token",
    )
    client = FcmClient(account, base_url=fcm.url, backoff_s=0.01)
    with pytest.raises(PushConfigError):
        await client.send("phone", "t", "b")
    await client.aclose()
    incomplete = tmp_path / "sa.json"
    incomplete.write_text(json.dumps({"project_id": "x"}))
    with pytest.raises(PushConfigError):
        ServiceAccount.from_file(incomplete)


async def test_unreachable_fcm_is_temporary() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    from mafqood.core.embedded import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    account = ServiceAccount("p", "e@x", pem, token_uri=f"{dead}/token")
    client = FcmClient(account, base_url=dead, max_attempts=2, backoff_s=0.01)
    with pytest.raises(PushTemporaryError):
        await client.send("phone", "t", "b")
    await client.aclose()


# -- one delivery, in-process ---------------------------------------------------------


async def _one_notification(container: Container, user_id: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A notification whose job is left for the test to deliver: its job is held back,
    so nothing is handed to the worker that other tests of this package keep running."""
    async with container.sessionmaker(effects=JobsHeldBack.of(container)) as session:
        row = await notify(
            session,
            uuid.UUID(user_id),
            "update",
            "notify.match_rejected",
            params={"item_title": "Bag"},
        )
        await session.commit()
        job_id = await session.scalar(select(OutboxJob.id))
    assert job_id is not None
    return row.id, job_id


async def test_without_credentials_push_is_skipped_with_a_log_line(
    client: httpx.AsyncClient, container: Container, capsys: pytest.CaptureFixture[str]
) -> None:
    owner = await register(client)
    await add_device(container, owner.id, "phone")
    notification_id, job_id = await _one_notification(container, owner.id)
    assert make_fcm_client(container.settings) is None
    assert await delivery.deliver(container, None, job_id, True) == "delivered"
    assert "push_skipped_no_credentials" in capsys.readouterr().out
    async with container.sessionmaker() as session:
        row = await session.get(Notification, notification_id)
        assert row is not None and row.push_sent is False
        assert await session.scalar(select(OutboxJob.id)) is None
    # A second run of the same job finds nothing to do.
    assert await delivery.deliver(container, None, job_id, True) == "not_pending"


async def test_a_notification_deleted_meanwhile_is_skipped(
    client: httpx.AsyncClient,
    container: Container,
    client_for: Callable[..., FcmClient],
    fcm: FakeFcm,
) -> None:
    owner = await register(client)
    await add_device(container, owner.id, "phone")
    notification_id, job_id = await _one_notification(container, owner.id)
    async with container.sessionmaker() as session:
        await session.delete(await session.get(Notification, notification_id))
        await session.commit()
    assert await delivery.deliver(container, client_for(), job_id, True) == "gone"
    assert fcm.sent == []
    async with container.sessionmaker() as session:
        assert await session.scalar(select(OutboxJob.id)) is None


async def test_partial_failure_remembers_reached_phones(
    client: httpx.AsyncClient,
    container: Container,
    client_for: Callable[..., FcmClient],
    fcm: FakeFcm,
) -> None:
    owner = await register(client)
    await add_device(container, owner.id, "phone-1")
    await add_device(container, owner.id, "phone-2")
    notification_id, job_id = await _one_notification(container, owner.id)
    fcm_client = client_for(fcm_max_attempts=1)
    fcm.failures.append((503, {}))  # the first phone tried fails, the other gets it
    with pytest.raises(delivery.DeliveryPostponed):
        await delivery.deliver(container, fcm_client, job_id, True)
    async with container.sessionmaker() as session:
        job = await session.get(OutboxJob, job_id)
        assert job is not None and job.attempts == 1 and len(job.payload["reached"]) == 1
        assert "503" in (job.last_error or "")
        row = await session.get(Notification, notification_id)
        assert row is not None and row.push_sent is True
    assert await delivery.deliver(container, fcm_client, job_id, True) == "delivered"
    # Each phone got the message exactly once.
    assert sorted(m["token"] for m in fcm.sent) == ["phone-1", "phone-2"]


async def test_bad_credentials_keep_the_job_for_later(
    client: httpx.AsyncClient, container: Container, fcm: FakeFcm
) -> None:
    owner = await register(client)
    await add_device(container, owner.id, "phone")
    _, job_id = await _one_notification(container, owner.id)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    wrong = FcmClient(
        ServiceAccount("mafqood-test", "x@y", pem, token_uri=f"{fcm.url}/token"),
        base_url=fcm.url,
    )
    assert await delivery.deliver(container, wrong, job_id, True) == "retry"
    await wrong.aclose()
    async with container.sessionmaker() as session:
        job = await session.get(OutboxJob, job_id)
        assert job is not None and job.attempts == 1 and "PushConfigError" in (job.last_error or "")
