"""Real Celery workers for tests: `mafqood worker` subprocesses on the test database and Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from mafqood.composition.container import Container
from mafqood.worker.app import PING, QUEUE
from tests.conftest import TEST_SECRET, Servers


def base_worker_env(servers: Servers, **extra: str) -> dict[str, str]:
    """What a worker needs to work for the test apps (same database, Redis, photos)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FCM_", "OUTBOX_", "DATABASE_", "REDIS_", "BROKER_", "VISION_"))
    }
    env.update(
        {
            "ENVIRONMENT": "test",
            "DATABASE_URL": servers.database_url,
            "REDIS_URL": servers.redis_url,
            "SECRET_KEY": TEST_SECRET,
            "DATA_DIR": str(servers.data_dir),
            "PUBLIC_BASE_URL": "http://test",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(servers.smtp_port),
            "SMTP_STARTTLS": "false",
            "OUTBOX_RETRY_AFTER_SECONDS": "1",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


class WorkerProcess:
    """`mafqood worker` in a subprocess, against the test database and Redis."""

    def __init__(
        self,
        env: dict[str, str],
        log_dir: Path,
        queues: str = QUEUE,
        name: str = "test",
        options: tuple[str, ...] = ("--pool", "solo"),
        module: str = "mafqood.cli",
    ) -> None:
        self.module = module
        self.env = env
        self.log_dir = log_dir
        self.queues = queues
        self.name = name
        self.options = options
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}-{self.starts}.log"

    def start(self) -> None:
        self.starts += 1
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                self.module,
                "worker",
                *("--queues", self.queues),
                *self.options,
                "--without-gossip",
                "--without-mingle",
                *("--hostname", f"{self.name}{self.starts}@localhost"),
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so that kill() takes the pool's children too.
            start_new_session=True,
        )
        log.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def ready(self, container: Container, timeout: float = 60) -> None:
        """Wait until the worker answers a ping task (sent to the last of its queues: give
        each of several workers on one queue a queue of its own after it)."""
        key = f"test:ping:{uuid.uuid4()}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.alive(), self.log_path.read_text()[-3000:]
            await asyncio.to_thread(
                container.tasks.celery.send_task, PING, args=[key], queue=self.queues.split(",")[-1]
            )
            for _ in range(20):
                if await container.redis.get(key):
                    return
                await asyncio.sleep(0.1)
        raise AssertionError("worker did not answer:\n" + self.log_path.read_text()[-3000:])

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)

    def kill(self) -> None:
        """SIGKILL, to the worker and its pool processes: a machine that goes away."""
        if self.alive():
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


# Two pool processes: reports are matched concurrently, as in production.
VISION_TEST_OPTIONS = ("--pool", "prefork", "--concurrency", "2")


async def running(process: WorkerProcess, container: Container) -> WorkerProcess:
    """The worker, started again if a test stopped it, once it consumes jobs."""
    if not process.alive():
        process.start()
    await process.ready(container)
    return process
