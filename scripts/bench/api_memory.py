"""Memory of one API process: after start-up and after report submissions, and which native
libraries it has loaded (an API process runs no model, so it should load none).

Starts `mafqood serve --no-workers` (embedded PostgreSQL and Redis in .data/bench-api), reads
the process's resident and unique memory once it answers /health, then after a user posts
`--users` users post 5 lost and found reports with a photo each. Prints one table.

    .venv/bin/python -m scripts.bench.api_memory [--users 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import psutil

from mafqood.core.embedded import free_port
from scripts.bench.api_cpu import prepare_user, wait_started
from scripts.bench.machine import describe

DATA = Path(".data/bench-api")
# Native libraries that only model work needs.
MODEL_LIBRARIES = ("onnxruntime", "cv2", "libopencv", "torch")


def _memory(process: psutil.Process) -> tuple[float, float, list[str]]:
    """(RSS MB, USS MB, model libraries mapped)."""
    info = process.memory_full_info()
    mapped = {Path(region.path).name for region in process.memory_maps() if region.path}
    loaded = sorted(
        name for name in mapped if ".so" in name and any(lib in name for lib in MODEL_LIBRARIES)
    )
    return info.rss / 2**20, info.uss / 2**20, loaded


async def run(url: str, server: subprocess.Popen[bytes], users: int) -> None:
    await wait_started(url, server)
    process = psutil.Process(server.pid)
    rows = [("after start-up and one /health", *_memory(process))]
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        for _ in range(users):
            await prepare_user(http)
    rows.append((f"after {users * 5} reports with a photo", *_memory(process)))
    print(f"API process memory; {describe()}\n")
    print("| moment | RSS | USS (unique) | model libraries loaded |")
    print("|---|---|---|---|")
    for moment, rss, uss, loaded in rows:
        print(f"| {moment} | {rss:.0f} MB | {uss:.0f} MB | {', '.join(loaded) or 'none'} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=4, help="each posts 5 reports")
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(DATA), "RATE_LIMIT_ENABLED": "false"}
    env |= {"LOG_LEVEL": "WARNING", "BCRYPT_ROUNDS": "4", "MATCH_WAIT_MS": "0"}
    # One API process, so that the process measured is the one that answers.
    env["API_WORKERS"] = "1"
    command = [sys.executable, "-m", "mafqood.cli", "serve", "--no-workers", "--port", str(port)]
    server = subprocess.Popen(command, env=env)
    try:
        asyncio.run(run(f"http://127.0.0.1:{port}", server, args.users))
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
