"""`mafqood create-venue`: the first venue and its owner, from the command line."""

from __future__ import annotations

import asyncio
import sys

import httpx

from tests.conftest import Servers
from tests.factories import PASSWORD, register
from tests.workers import base_worker_env


async def _run(servers: Servers, *args: str, password: str = PASSWORD) -> tuple[int, str]:
    env = base_worker_env(servers, MAFQOOD_OWNER_PASSWORD=password, BCRYPT_ROUNDS="4")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mafqood.cli",
        "create-venue",
        *args,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


async def test_new_owner_then_existing_owner(client: httpx.AsyncClient, servers: Servers) -> None:
    place = ("--latitude", "25.2048", "--longitude", "55.2708", "--location-type", "airport")
    code, output = await _run(
        servers, "--name", "Terminal 3", "--owner-email", "desk.owner@example.com", *place
    )
    assert code == 0, output
    assert "owner desk.owner@example.com (new account)" in output
    signed = await client.post(
        "/auth/login", json={"email": "desk.owner@example.com", "password": PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    token = {"Authorization": f"Bearer {signed.json()['token']}"}
    venues = (await client.get("/api/v1/venues", headers=token)).json()["venues"]
    assert [(v["name"], v["my_role"], v["location_type"]) for v in venues] == [
        ("Terminal 3", "owner", "airport")
    ]
    # The operator's own command: the venue is in service at once, no administrator waits.
    assert venues[0]["verification"] == "verified" and venues[0]["verified_at"]

    existing = await register(client)
    code, output = await _run(
        servers, "--name", "Hotel desk", "--owner-email", existing.email, *place
    )
    assert code == 0 and "(existing account)" in output, output
    bad = await _run(
        servers,
        "--name",
        "X",
        "--owner-email",
        "x@example.com",
        "--latitude",
        "95",
        "--longitude",
        "0",
    )
    assert bad[0] == 2
    weak = await _run(
        servers, "--name", "Y", "--owner-email", "y@example.com", *place, password="short"
    )
    assert weak[0] == 1 and "not created" in weak[1]
