"""Fixtures of the venue workspace: a general worker (mail, notifications) for the package."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mafqood.composition.container import Container
from tests.conftest import Servers
from tests.workers import WorkerProcess, base_worker_env, running


@pytest.fixture(scope="package")
def worker_process(
    servers: Servers, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerProcess]:
    process = WorkerProcess(base_worker_env(servers), tmp_path_factory.mktemp("venue-worker"))
    process.start()
    yield process
    process.stop()


@pytest.fixture
async def worker(worker_process: WorkerProcess, container: Container) -> WorkerProcess:
    return await running(worker_process, container)
