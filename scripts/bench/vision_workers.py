"""Vision workers with real photos: throughput with 1 and 2 worker processes, then submissions
into a crowded venue (over 1,000 open found reports of real photos, same place and time).

Photos come from the evaluation sets (../shared/eval, never copied into the repository):
UKBench objects (4 views each) and the SMVS DVD cases. For 40 UKBench objects one view is held
back as the owner's "lost" photo; every other photo is a found report at one mall, one hour.

1. The API (in this process) takes --batch found reports (SMVS phone photos, 1024x768) with no
   worker running; then one worker process analyses them: photos/s between its first and
   last finished report.
2. The same with two worker processes on the next batch.
3. The remaining photos are added (two workers), so the venue holds >= 1,000 open reports.
4. The 40 lost reports are submitted one after the other through POST /api/v1/lost with
   MATCH_WAIT_MS: the 201's latency, how many carried their matches, the time from submission
   to stored matches, and whether the owner's object was the best match.

    .venv/bin/python -m scripts.bench.vision_workers [--eval-dir ../shared/eval] [--batch 100]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from mafqood.composition.container import Container
from mafqood.composition.runtime import prepare_runtime
from mafqood.core.config import Settings
from mafqood.items.models import Item
from mafqood.lifecycle.models import Match
from mafqood.main import create_app
from scripts.bench.machine import describe, percentile

DATA = Path(".data/bench-vision")
PASSWORD = "Bench-Password-2026!"
QUERIES = 40
REPORT = {
    "location": "Dubai Mall",
    "location_type": "mall",
    "latitude": "25.1972",
    "longitude": "55.2744",
    "date_time": "2026-01-03T14:30:00Z",
    "contact_method": "in_app",
}


@dataclass(frozen=True)
class Photo:
    path: Path
    instance: str


def load_photos(eval_dir: Path) -> tuple[list[Photo], list[Photo]]:
    """(found photos, lost photos): one held-back view of each of QUERIES UKBench objects."""
    found: list[Photo] = []
    lost: list[Photo] = []
    # SMVS first: 1024x768 phone photos of DVD cases on cluttered desks, for the throughput.
    for folder in ("smvs_dev50", "ukbench250"):
        with (eval_dir / folder / "labels.csv").open() as labels:
            for row in csv.DictReader(labels):
                photo = Photo(eval_dir / folder / row["image"], f"{folder}:{row['instance_id']}")
                held = folder == "ukbench250" and len(lost) < QUERIES
                if held and all(p.instance != photo.instance for p in lost):
                    lost.append(photo)
                else:
                    found.append(photo)
    return found, lost


class Workers:
    """Vision worker processes for a benchmark; `env` adds to this process's environment
    (the servers and data directory the API under test uses)."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []
        self.env = env or {}

    def start(self, count: int) -> None:
        env = {**os.environ, **self.env, "VISION_THREADS": "1", "LOG_LEVEL": "WARNING"}
        for number in range(count):
            command = [sys.executable, "-m", "mafqood.cli", "worker", "--queues", "vision"]
            command += ["--pool", "solo", "--hostname", f"bench{len(self.processes)}-{number}@%h"]
            self.processes.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL))

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(30)
        self.processes.clear()


async def register(http: httpx.AsyncClient, name: str) -> dict[str, str]:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    response = await http.post(
        "/auth/register", json={"email": email, "password": PASSWORD, "full_name": name}
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def post(
    http: httpx.AsyncClient, headers: dict[str, str], kind: str, photo: Photo, title: str
) -> httpx.Response:
    response = await http.post(
        f"/api/v1/{kind}",
        data={**REPORT, "title": title},
        files={"image": (photo.path.name, photo.path.read_bytes(), "image/jpeg")},
        headers=headers,
    )
    # 409: a photo nearly identical to one this account already reported (a few look-alike
    # shots in the sets); the venue desk would not post it twice either.
    assert response.status_code in (201, 409), response.text
    return response


async def pending(container: Container) -> int:
    async with container.sessionmaker() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(Item).where(Item.analysis_status == "pending")
            )
            or 0
        )


async def all_analysed(container: Container) -> None:
    for _ in range(100_000):
        if not await pending(container):
            return
        await asyncio.sleep(0.5)


async def drain_rate(container: Container, ids: list[str]) -> float:
    """Photos per second between the first and the last of these reports to finish."""
    await all_analysed(container)
    async with container.sessionmaker() as session:
        first, last = (
            await session.execute(
                select(func.min(Item.analysed_at), func.max(Item.analysed_at)).where(
                    Item.id.in_([uuid.UUID(i) for i in ids])
                )
            )
        ).one()
    return (len(ids) - 1) / max((last - first).total_seconds(), 1e-6)


async def add_found(
    http: httpx.AsyncClient, headers: dict[str, str], photos: list[Photo]
) -> dict[str, str]:
    """Posted 4 at a time, as a venue desk's intake would; -> item id: instance."""
    ids: dict[str, str] = {}
    for start in range(0, len(photos), 4):
        chunk = photos[start : start + 4]
        responses = await asyncio.gather(
            *(post(http, headers, "found", photo, "Found item") for photo in chunk)
        )
        for photo, response in zip(chunk, responses, strict=True):
            if response.status_code == 201:
                ids[response.json()["item"]["id"]] = photo.instance
    return ids


async def run(settings: Settings, eval_dir: Path, batch: int) -> None:
    found_photos, lost_photos = load_photos(eval_dir)
    app = create_app(settings)
    workers = Workers()
    try:
        await measure(app, workers, found_photos, lost_photos, batch)
    finally:
        workers.stop()


async def measure(
    app: FastAPI, workers: Workers, found_photos: list[Photo], lost_photos: list[Photo], batch: int
) -> None:
    settings: Settings = app.state.settings
    async with app.router.lifespan_context(app):
        container: Container = app.state.container
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            venue = await register(http, "Venue")
            print(f"Vision workers on real photos; {describe()}")
            print("\n| worker processes | reports | photos/s |\n|---|---|---|")
            instances: dict[str, str] = {}
            offset = 0
            for count in (1, 2):
                added = await add_found(http, venue, found_photos[offset : offset + batch])
                offset += batch
                instances.update(added)
                workers.start(count)
                rate = await drain_rate(container, list(added))
                workers.stop()
                print(f"| {count} | {len(added)} | {rate:.1f} |")

            workers.start(2)
            instances.update(await add_found(http, venue, found_photos[offset:]))
            await all_analysed(container)
            print(f"\nCrowded venue: {len(instances)} open found reports, one mall, one hour")

            owner = await register(http, "Owner")
            answers, to_matches, best_right, in_time = [], [], 0, 0
            for photo in lost_photos:
                start = time.perf_counter()
                response = await post(http, owner, "lost", photo, "Lost item")
                if response.status_code != 201:
                    continue
                answers.append((time.perf_counter() - start) * 1000)
                body = response.json()
                in_time += body["matching"] == "done"
                item_id = uuid.UUID(body["item"]["id"])
                while True:
                    async with container.sessionmaker() as session:
                        item = await session.get(Item, item_id)
                        assert item is not None
                        if item.analysis_status != "pending":
                            break
                    await asyncio.sleep(0.02)
                to_matches.append((time.perf_counter() - start) * 1000)
                async with container.sessionmaker() as session:
                    best = await session.scalar(
                        select(Match.matched_item_id)
                        .where(Match.user_item_id == item_id)
                        .order_by(Match.similarity_score.desc())
                        .limit(1)
                    )
                best_right += best is not None and instances.get(str(best)) == photo.instance
            workers.stop()
    wait = settings.match_wait_ms
    print(f"\n{len(answers)} lost reports, one at a time, MATCH_WAIT_MS={wait}\n")
    print("| measure | p50 | p95 | max |\n|---|---|---|---|")
    for name, samples in (("201 answer", answers), ("submission to stored matches", to_matches)):
        p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
        print(f"| {name} | {p50:.0f} ms | {p95:.0f} ms | {max(samples):.0f} ms |")
    print(f"\nmatches in the 201: {in_time}/{len(lost_photos)}; ")
    print(f"owner's object is the best match: {best_right}/{len(lost_photos)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    shutil.rmtree(DATA, ignore_errors=True)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=DATA,
        rate_limit_enabled=False,
        bcrypt_rounds=4,
        log_level="WARNING",
    )
    runtime = prepare_runtime(settings, export_env=True)
    os.environ["DATA_DIR"] = str(DATA)
    settings = settings.model_copy(
        update={"database_url": runtime.database_url, "redis_url": runtime.redis_url}
    )
    try:
        asyncio.run(run(settings, args.eval_dir, args.batch))
    finally:
        runtime.stop()


if __name__ == "__main__":
    main()
