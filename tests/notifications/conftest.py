"""Fixtures for notifications, real-time events, push and workers.

- `fcm`: a local HTTP server speaking FCM HTTP v1 (OAuth token endpoint + messages:send) with
  a service-account key made for the run; tests script its answers.
- `worker`: a real Celery worker (`mafqood worker`, a subprocess) consuming from the test Redis
  and writing to the test database.
- `live_apis`: two API instances, each a real uvicorn server with its own app, on one Redis.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from mafqood.composition.container import Container
from mafqood.core.embedded import free_port
from mafqood.lifecycle.models import Match
from mafqood.main import create_app
from mafqood.notifications.models import DeviceToken, Notification
from mafqood.worker.outbox import OutboxJob
from tests import live
from tests.conftest import Servers, make_settings
from tests.factories import insert_report
from tests.live import QuietServer
from tests.workers import WorkerProcess, base_worker_env, running

PROJECT = "mafqood-test"


@dataclass
class FakeFcm:
    """Scriptable FCM. `failures` holds (status, headers) answers given before normal ones."""

    url: str
    public_key: Any
    sent: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[tuple[str, int]] = field(default_factory=list)
    token_requests: int = 0
    unregistered: set[str] = field(default_factory=set)
    failures: deque[tuple[int, dict[str, str]]] = field(default_factory=deque)
    delay_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.sent.clear()
            self.attempts.clear()
            self.unregistered.clear()
            self.failures.clear()
            self.token_requests = 0
            self.delay_s = 0.0

    def sent_to(self, token: str) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.sent if m["token"] == token]

    # -- the two endpoints -------------------------------------------------------------

    def token_endpoint(self, request: Request) -> Response:
        assertion = request.form.get("assertion", "")
        try:
            claims = jwt.decode(
                assertion, self.public_key, algorithms=["RS256"], audience=f"{self.url}/token"
            )
        except jwt.PyJWTError as exc:
            return _json({"error": "invalid_grant", "error_description": str(exc)}, 400)
        if request.form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return _json({"error": "unsupported_grant_type"}, 400)
        assert claims["scope"] == "https://www.googleapis.com/auth/firebase.messaging"
        with self.lock:
            self.token_requests += 1
            number = self.token_requests
        return _json({"access_token": f"ya29.fake-{number}", "expires_in": 3599})

    def send_endpoint(self, request: Request) -> Response:
        if not request.headers.get("Authorization", "").startswith("Bearer ya29.fake-"):
            return _fcm_error(401, "UNAUTHENTICATED", None)
        message = (request.get_json() or {}).get("message", {})
        token = message.get("token", "")
        if self.delay_s:
            time.sleep(self.delay_s)
        with self.lock:
            scripted = self.failures.popleft() if self.failures else None
            if scripted is not None:
                status, headers = scripted
                self.attempts.append((token, status))
                code = "QUOTA_EXCEEDED" if status == 429 else "UNAVAILABLE"
                state = "RESOURCE_EXHAUSTED" if status == 429 else "UNAVAILABLE"
                return _fcm_error(status, state, code, headers)
            if token in self.unregistered:
                self.attempts.append((token, 404))
                return _fcm_error(404, "NOT_FOUND", "UNREGISTERED")
            self.attempts.append((token, 200))
            self.sent.append(message)
            number = len(self.sent)
        return _json({"name": f"projects/{PROJECT}/messages/{number}"})


def _json(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(json.dumps(body), status, headers, content_type="application/json")


def _fcm_error(
    status: int, state: str, code: str | None, headers: dict[str, str] | None = None
) -> Response:
    details = (
        [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": code}]
        if code
        else []
    )
    body = {
        "error": {"code": status, "message": state.lower(), "status": state, "details": details}
    }
    return _json(body, status, headers)


@pytest.fixture(scope="session")
def fcm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeFcm, Path]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    server = HTTPServer(host="127.0.0.1", port=free_port(), threaded=True)
    server.start()
    url = server.url_for("").rstrip("/")
    fake = FakeFcm(url=url, public_key=key.public_key())
    server.expect_request("/token", method="POST").respond_with_handler(fake.token_endpoint)
    server.expect_request(
        f"/v1/projects/{PROJECT}/messages:send", method="POST"
    ).respond_with_handler(fake.send_endpoint)
    credentials = tmp_path_factory.mktemp("fcm") / "service-account.json"
    credentials.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": PROJECT,
                "private_key_id": "test-key-1",
                "private_key": pem,
                "client_email": f"push@{PROJECT}.iam.gserviceaccount.com",
                "token_uri": f"{url}/token",
            }
        )
    )
    yield fake, credentials
    server.stop()


@pytest.fixture
def fcm(fcm_server: tuple[FakeFcm, Path]) -> Iterator[FakeFcm]:
    fake, _ = fcm_server
    fake.reset()
    yield fake
    fake.reset()


def worker_env(
    servers: Servers, fcm: FakeFcm, credentials: Path | None, **extra: str
) -> dict[str, str]:
    env = base_worker_env(servers)
    env.update({"FCM_BASE_URL": fcm.url, "FCM_BACKOFF_SECONDS": "0.05"})
    if credentials is not None:
        env["FCM_CREDENTIALS_FILE"] = str(credentials)
    env.update(extra)
    return env


# Package scope: the worker stops after these tests, so it never consumes other tests' queues.
@pytest.fixture(scope="package")
def worker_process(
    servers: Servers,
    fcm_server: tuple[FakeFcm, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[WorkerProcess]:
    fake, credentials = fcm_server
    process = WorkerProcess(
        worker_env(servers, fake, credentials), tmp_path_factory.mktemp("worker")
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
async def worker(worker_process: WorkerProcess, container: Container) -> WorkerProcess:
    """The running worker (restarted if a test stopped it)."""
    return await running(worker_process, container)


@dataclass
class LiveApi:
    url: str
    ws_url: str
    container: Container


@pytest.fixture(scope="package")
async def live_apis(servers: Servers) -> AsyncIterator[list[LiveApi]]:
    """Two API processes' worth of app: separate apps, containers and sockets, one Redis."""
    started: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []
    apis: list[LiveApi] = []
    for _ in range(2):
        application = create_app(make_settings(servers))
        port = free_port()
        server = QuietServer(live.config(application, port))
        task = asyncio.create_task(server.serve())
        for _ in range(300):
            if server.started:
                break
            await asyncio.sleep(0.05)
        assert server.started, "uvicorn did not start"
        container: Container = application.state.container
        await asyncio.wait_for(container.hub.subscribed.wait(), 10)
        started.append((server, task))
        apis.append(LiveApi(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", container))
    yield apis
    for server, task in started:
        server.should_exit = True
        await task


# -- rows the matching side would create ---------------------------------------------------


async def insert_item(
    container: Container, user_id: str | uuid.UUID, kind: str, title: str
) -> uuid.UUID:
    return await insert_report(container.sessionmaker, user_id, kind, title=title, category="phone")


async def insert_match(
    container: Container, lost_id: uuid.UUID, found_id: uuid.UUID, score: float = 0.87
) -> uuid.UUID:
    async with container.sessionmaker() as session:
        match = Match(
            user_item_id=lost_id,
            matched_item_id=found_id,
            similarity_score=score,
            confidence="high",
        )
        session.add(match)
        await session.commit()
        return match.id


async def add_device(container: Container, user_id: str, token: str) -> None:
    async with container.sessionmaker() as session:
        session.add(DeviceToken(user_id=uuid.UUID(user_id), token=token, platform="android"))
        await session.commit()


async def pending_jobs(container: Container) -> int:
    async with container.sessionmaker() as session:
        return len(list(await session.scalars(select(OutboxJob.id))))


async def notification(container: Container, notification_id: uuid.UUID) -> Notification:
    async with container.sessionmaker() as session:
        found = await session.get(Notification, notification_id)
        assert found is not None
        return found
