"""Child processes of `mafqood serve` (a Celery worker, vision workers and beat): started
with the API, restarted if they die, stopped with it, and gone with it even when it is
killed with SIGKILL (each is started through worker/launcher.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import structlog

from mafqood.worker.app import VISION_QUEUE

log = structlog.get_logger(__name__)

RESTART_DELAY_S = 2.0
STOP_TIMEOUT_S = 20.0


# Vision workers yield the CPU to the API and the database on a machine they share: reads stay
# fast under a burst of reports, whose matches come a little later instead.
VISION_NICENESS = 19


@dataclass(frozen=True)
class Child:
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    niceness: int = 0


def worker_commands(
    pool: str, concurrency: int, vision_workers: int, vision_concurrency: int
) -> dict[str, Child]:
    """The general worker (mail, notifications, housekeeping), the vision workers (photo
    analysis and matching, their own queue) and beat."""
    cli = [sys.executable, "-m", "mafqood.cli"]
    children = {
        "worker": Child(
            [
                *cli,
                *("worker", "--pool", pool, "--concurrency", str(concurrency)),
                *("--hostname", "worker@%h"),
            ]
        ),
        "beat": Child([*cli, "beat"]),
    }
    # One model thread per pool process (unless set): more threads than cores only contend.
    env = {} if "VISION_THREADS" in os.environ else {"VISION_THREADS": "1"}
    for number in range(1, vision_workers + 1):
        command = [
            *cli,
            *("worker", "--queues", VISION_QUEUE, "--pool", "prefork"),
            *("--concurrency", str(vision_concurrency), "--hostname", f"vision{number}@%h"),
        ]
        children[f"vision-{number}"] = Child(command, env, VISION_NICENESS)
    return children


def default_vision_concurrency() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


class Supervisor:
    def __init__(self, commands: dict[str, Child]) -> None:
        self.commands = commands
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def _spawn(self, name: str) -> None:
        # Their own session: a Ctrl-C in the terminal reaches only us, and we stop them once,
        # gracefully (a second signal would make Celery abandon running tasks).
        child = self.commands[name]
        launcher = [sys.executable, "-m", "mafqood.worker.launcher", str(os.getpid())]
        self.children[name] = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [*launcher, str(child.niceness), *child.command],
            env={**os.environ, **child.env},
            start_new_session=True,
        )
        log.info("child_started", name=name, pid=self.children[name].pid)

    def start(self) -> None:
        for name in self.commands:
            self._spawn(name)
        self._watcher = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stopping.wait(1.0):
            for name, child in list(self.children.items()):
                code = child.poll()
                if code is None or self._stopping.is_set():
                    continue
                log.warning("child_exited_restarting", name=name, code=code)
                if self._stopping.wait(RESTART_DELAY_S):
                    return
                self._spawn(name)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(5)
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for name, child in self.children.items():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("child_killed", name=name, pid=child.pid)
                child.kill()
                child.wait(5)
        log.info("children_stopped")
