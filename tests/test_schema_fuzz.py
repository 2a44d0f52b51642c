"""Schemathesis against the service's own OpenAPI schema, over real HTTP: generated requests
(valid and invalid) to every operation, signed in, must never get a 5xx, and every answer must
match the schema (status code documented, body shape, content type).

Bounded: a few examples per operation, so the whole run takes well under a minute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from schemathesis import checks

from mafqood.core.config import Settings
from mafqood.core.embedded import free_port
from mafqood.main import create_app
from tests.conftest import TEST_SECRET, Servers, make_settings
from tests.factories import PASSWORD

EXAMPLES_PER_OPERATION = 5
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def live_server(servers: Servers) -> Iterator[str]:
    """The service on a loopback port, in a thread with its own event loop."""
    port = free_port()
    app = create_app(make_settings(servers, log_level="WARNING"))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(15)


# The schema the service publishes at /openapi.json (an app that is built but not started).
schema = schemathesis.openapi.from_dict(
    create_app(Settings(_env_file=None, environment="test", secret_key=TEST_SECRET)).openapi()  # type: ignore[call-arg]
)


@pytest.fixture
def signed_in(live_server: str) -> dict[str, str]:
    """A fresh account for each operation (tables are emptied between tests)."""
    response = httpx.post(
        f"{live_server}/auth/register",
        json={"email": "fuzz@example.com", "password": PASSWORD, "full_name": "Fuzz"},
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, live_server: str, signed_in: dict[str, str]) -> None:
    headers = {**signed_in, **(case.headers or {})}
    case.call_and_validate(base_url=live_server, headers=headers, checks=CHECKS)
