"""Real uvicorn servers for tests that need a socket (WebSockets, a real browser)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI

from mafqood.core.embedded import free_port


class QuietServer(uvicorn.Server):
    """Leaves the test process's signal handlers alone (Ctrl-C still stops pytest)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def config(application: FastAPI, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        application,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=5,
    )


@contextlib.contextmanager
def serve_in_thread(application: FastAPI) -> Iterator[str]:
    """The app on a free port, in a thread with its own event loop (so that blocking test
    code, like a browser driver, can call it); yields its base URL."""
    port = free_port()
    server = QuietServer(config(application, port))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
