"""Matching quality in a crowded venue, through the code path of the service.

Every evaluation set (../shared/eval: ukbench250, smvs_dev50 phone photos, coil100; read
there, never copied) goes into ONE venue: the same place and the same hour, so place and time
tell no report from another and only the photos (and the service's filters) decide.

- Per set, the instances are taken in labels.csv order (instance ids prefixed with the set's
  name). Every third one (the 3rd, 6th, 9th ...) is "never reported": none of its photos is
  in the gallery. Each instance's query photo is its first row in labels.csv (UKBench view 0,
  SMVS the Canon photo, COIL the 0 degree view); the query photo is never in the gallery.
- Gallery: one FOUND report per remaining photo of the reported instances, all sets together.
  COIL-100 (8 turntable views 45 degrees apart): reported objects alternate between keeping
  all 7 other views (nearest gallery view 45 degrees from the query) and keeping the views
  90 degrees or more away only (the 45 and 315 degree views withheld too).
- --filler N adds N made-up textured photos (scripts/bench/synthetic.py, 1024x768) as more
  found reports: the protocol leaves about 1,000 real ones, the product's crowd is 2,000.
- Queries: each instance's query photo is posted as a LOST report by an owner, one after the
  other, after the whole gallery has been analysed.

Reports are made as the API makes them (photos.process_photo, store_photo, items.create_item,
analysis_queue.enqueue_analysis, commit) and analysed by `processing.analyse_report(container,
job_id)`, the vision worker's job function itself (minus Celery): analysis, candidate search
in PostgreSQL/pgvector, same-instance verification, scoring, storing the matches and their
notifications. The query latency is that call. Matches are read back from the database by
similarity. Embedded PostgreSQL and Redis under .data/bench-crowd (emptied first).

    .venv/bin/python -m scripts.bench.crowded_venue [--sets coil100,smvs_dev50]
        [--limit-instances 30] [--filler 1000] [--eval-dir ../shared/eval]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from mafqood.composition.container import Container
from mafqood.composition.runtime import Runtime, prepare_runtime
from mafqood.composition.texts import register_texts
from mafqood.core.config import Settings
from mafqood.core.logging import configure_logging
from mafqood.items import analysis_queue
from mafqood.items.models import Item
from mafqood.items.schemas import ItemCreate
from mafqood.items.service import create_item
from mafqood.lifecycle.models import Match
from mafqood.matching import processing
from mafqood.photos.processing import process_photo
from mafqood.photos.service import store_photo
from mafqood.users.models import User
from scripts.bench.machine import describe, percentile
from scripts.bench.synthetic import textured_jpeg

DATA = Path(".data/bench-crowd")
SETS = ("ukbench250", "smvs_dev50", "coil100")
PLACE, LATITUDE, LONGITUDE = "Dubai Mall", 25.1972, 55.2744
# The angle between a COIL query (0 degrees) and its nearest gallery view.
NEAR, FAR = 45, 90
FILLER_SIZE = (1024, 768)


@dataclass(frozen=True)
class Photo:
    set_name: str
    instance: str
    path: Path | None  # None: a made-up filler photo
    angle: int | None  # COIL turntable angle, degrees
    seed: int = 0

    def data(self) -> bytes:
        if self.path is None:
            return textured_jpeg(self.seed, FILLER_SIZE, quality=85)
        return self.path.read_bytes()


@dataclass
class Query:
    photo: Photo
    reported: bool
    gap: int | None = None  # COIL: degrees to the nearest gallery view of the object
    # The best stored matches: (found photo, similarity, confidence).
    top: list[tuple[Photo | None, float, str]] = field(default_factory=list)
    any_high: bool = False
    ms: float = 0.0


def labelled_photos(folder: Path, set_name: str) -> Iterator[tuple[str, Path, int | None]]:
    """(instance id prefixed with the set's name, photo, COIL angle) of each phone photo."""
    with (folder / "labels.csv").open() as labels:
        for row in csv.DictReader(labels):
            if row.get("kind", "phone_photo") == "phone_photo":
                angle = int(row["angle_deg"]) if "angle_deg" in row else None
                yield f"{set_name}:{row['instance_id']}", folder / row["image"], angle


def plan(eval_dir: Path, sets: Sequence[str], limit: int | None) -> tuple[list[Photo], list[Query]]:
    """(gallery photos, queries), as the module's docstring says."""
    gallery: list[Photo] = []
    queries: list[Query] = []
    for set_name in sets:
        folder = eval_dir / set_name
        by_instance: dict[str, list[Photo]] = {}
        for instance, path, angle in labelled_photos(folder, set_name):
            by_instance.setdefault(instance, []).append(Photo(set_name, instance, path, angle))
        instances = list(by_instance.values())[:limit]
        reported_count = 0
        for index, photos in enumerate(instances):
            query, others = photos[0], photos[1:]
            if index % 3 == 2:
                queries.append(Query(query, reported=False))
                continue
            gap = None
            if query.angle is not None:
                gap = NEAR if reported_count % 2 == 0 else FAR
                others = [p for p in others if _degrees_apart(p, query) >= gap]
                gap = min(_degrees_apart(p, query) for p in others)
            reported_count += 1
            gallery.extend(others)
            queries.append(Query(query, reported=True, gap=gap))
    return gallery, queries


def filler(count: int) -> list[Photo]:
    """Made-up textured photos (scripts/bench/synthetic.py) of no instance: more crowd."""
    return [Photo("filler", f"filler:{n}", None, None, seed=n) for n in range(count)]


def _degrees_apart(a: Photo, b: Photo) -> int:
    assert a.angle is not None and b.angle is not None
    apart = abs(a.angle - b.angle) % 360
    return min(apart, 360 - apart)


async def make_user(container: Container, name: str) -> User:
    async with container.sessionmaker() as session:
        user = User(
            email=f"{name.lower().replace(' ', '-')}-{uuid.uuid4().hex[:8]}@example.com",
            password_hash="!",  # never signs in
            full_name=name,
        )
        session.add(user)
        await session.commit()
        await session.refresh(user)
        return user


def venue_item(owner: User, kind: str, key: str, when: datetime, **fields: Any) -> Item:
    """A report of the venue's place, already analysed (the caller saves its analysis), with
    a photo key that is never served; fields: title, category and the like."""
    return Item(
        id=uuid.uuid4(),
        user_id=owner.id,
        type=kind,
        image_url="",
        image_key=key,
        location=PLACE,
        latitude=Decimal(str(LATITUDE)),
        longitude=Decimal(str(LONGITUDE)),
        date_time=when,
        contact_method="in_app",
        analysis_status="done",
        **fields,
    )


class PhotoData(Protocol):
    def data(self) -> bytes: ...


async def report(
    container: Container, owner: User, kind: str, photo: PhotoData, when: datetime
) -> tuple[uuid.UUID, uuid.UUID]:
    """Store a report with its analysis job, as POST /api/v1/lost|found does
    (matching/submission.py). -> (item id, job id)."""
    settings = container.settings
    processed = await asyncio.to_thread(process_photo, photo.data(), settings.max_image_pixels)
    form = ItemCreate(
        title="Lost item" if kind == "lost" else "Found item",
        location=PLACE,
        latitude=LATITUDE,
        longitude=LONGITUDE,
        date_time=when,
    )
    async with container.sessionmaker() as session:
        item_id = uuid.uuid4()
        stored = await store_photo(
            session, container.storage, container.photo_screening, processed, f"items/{item_id}"
        )
        item = await create_item(session, container.storage, owner, item_id, kind, form, stored)
        job = analysis_queue.enqueue_analysis(session, item.id)
        await session.commit()
        return item.id, job.id


async def run(container: Container, gallery: list[Photo], queries: list[Query]) -> None:
    when = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    container.vision  # noqa: B018 - load the models once, before anything is timed
    venue = await make_user(container, "Venue desk")
    photo_of: dict[uuid.UUID, Photo] = {}
    start = time.perf_counter()
    for number, photo in enumerate(gallery, 1):
        item_id, job_id = await report(container, venue, "found", photo, when)
        outcome = await processing.analyse_report(container, job_id)
        assert outcome == "done", (photo.path, outcome)
        photo_of[item_id] = photo
        if number % 200 == 0:
            print(f"  gallery {number}/{len(gallery)} ({time.perf_counter() - start:.0f} s)")
    print(f"gallery: {len(gallery)} open found reports, one venue, one hour")

    owner = await make_user(container, "Owner")
    for number, query in enumerate(queries, 1):
        item_id, job_id = await report(container, owner, "lost", query.photo, when)
        began = time.perf_counter()
        outcome = await processing.analyse_report(container, job_id)
        query.ms = (time.perf_counter() - began) * 1000
        assert outcome == "done", (query.photo.path, outcome)
        async with container.sessionmaker() as session:
            rows = await session.execute(
                select(Match.matched_item_id, Match.similarity_score, Match.confidence)
                .where(Match.user_item_id == item_id)
                .order_by(Match.similarity_score.desc())
            )
            matches = [
                (photo_of.get(found), float(similarity), confidence or "low")
                for found, similarity, confidence in rows
            ]
        query.top = matches[:5]
        query.any_high = any(confidence == "high" for _, _, confidence in matches)
        if number % 100 == 0:
            print(f"  queries {number}/{len(queries)}")


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def _right_at(query: Query, k: int) -> bool:
    return any(
        found is not None and found.instance == query.photo.instance
        for found, _, _ in query.top[:k]
    )


def _high_top(query: Query) -> bool:
    return bool(query.top) and query.top[0][2] == "high"


def tables(queries: list[Query], sets: Sequence[str]) -> None:
    groups = [(name, [q for q in queries if q.photo.set_name == name]) for name in sets]
    groups.append(("all", queries))

    print("\n### Recall (reported instances)\n")
    print("| set | queries | recall@1 | recall@5 |\n|---|---|---|---|")
    for name, group in groups:
        reported = [q for q in group if q.reported]
        r1 = sum(_right_at(q, 1) for q in reported)
        r5 = sum(_right_at(q, 5) for q in reported)
        print(
            f"| {name} | {len(reported)} | {_share(r1, len(reported))} | "
            f"{_share(r5, len(reported))} |"
        )

    print('\n### Confidence "high"\n')
    print(
        '| set | true top-1 matches that are "high" | precision of "high" top-1 '
        '| false high (never-reported queries with any "high" match) |\n|---|---|---|---|'
    )
    for name, group in groups:
        true_top = [q for q in group if q.reported and _right_at(q, 1)]
        high_true = sum(_high_top(q) for q in true_top)
        high = [q for q in group if _high_top(q)]
        high_right = sum(q.reported and _right_at(q, 1) for q in high)
        never = [q for q in group if not q.reported]
        false_high = sum(q.any_high for q in never)
        print(
            f"| {name} | {_share(high_true, len(true_top))} | {_share(high_right, len(high))} "
            f"| {_share(false_high, len(never))} |"
        )

    print("\n### Submission latency (the vision worker's job for the lost report)\n")
    print("| set | queries | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|")
    for name, group in groups:
        if group:
            times = [q.ms for q in group]
            print(
                f"| {name} | {len(group)} | {percentile(times, 0.5):.0f} | "
                f"{percentile(times, 0.95):.0f} | {max(times):.0f} |"
            )

    coil = [q for q in queries if q.reported and q.gap is not None]
    if coil:
        print("\n### COIL-100 by angle to the nearest gallery view of the object\n")
        print('| angle | queries | recall@1 | true top-1 matches that are "high" |')
        print("|---|---|---|---|")
        for gap in sorted({q.gap for q in coil if q.gap is not None}):
            group = [q for q in coil if q.gap == gap]
            true_top = [q for q in group if _right_at(q, 1)]
            high_true = sum(_high_top(q) for q in true_top)
            print(
                f"| {gap} degrees | {len(group)} | {_share(len(true_top), len(group))} "
                f"| {_share(high_true, len(true_top))} |"
            )


async def measure(settings: Settings, gallery: list[Photo], queries: list[Query]) -> None:
    assert settings.database_url and settings.redis_url
    register_texts(settings)  # matches notify their owners
    container = Container.build(settings, settings.database_url, settings.redis_url)
    try:
        await run(container, gallery, queries)
    finally:
        await container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated")
    parser.add_argument("--limit-instances", type=int, default=None, help="per set")
    parser.add_argument(
        "--filler", type=int, default=0, help="made-up found reports added to the crowd"
    )
    args = parser.parse_args()
    sets = [name.strip() for name in args.sets.split(",") if name.strip()]
    gallery, queries = plan(args.eval_dir, sets, args.limit_instances)
    gallery += filler(args.filler)

    configure_logging("WARNING")
    if _in_use(DATA / "postgres" / "postmaster.pid"):
        raise SystemExit(f"another run is using {DATA}: wait for it, it is emptied first")
    settings, runtime = fresh_runtime(DATA)
    print(f"machine: {describe()}")
    print(
        f"sets: {', '.join(sets)}; {len(gallery)} gallery photos "
        f"({args.filler} of them made up), {len(queries)} queries"
    )
    try:
        asyncio.run(measure(settings, gallery, queries))
    finally:
        runtime.stop()
    tables(queries, sets)
    errors(queries)


def fresh_runtime(data_dir: Path) -> tuple[Settings, Runtime]:
    """Empty PostgreSQL and Redis servers under data_dir (emptied first), and settings for
    them."""
    shutil.rmtree(data_dir, ignore_errors=True)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data_dir, rate_limit_enabled=False, log_level="WARNING"
    )
    runtime = prepare_runtime(settings)
    settings = settings.model_copy(
        update={"database_url": runtime.database_url, "redis_url": runtime.redis_url}
    )
    return settings, runtime


def _in_use(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except (OSError, ValueError, IndexError):
        return False
    return True


def _name(photo: Photo | None) -> str:
    if photo is None:
        return "-"
    return f"{photo.set_name}/{photo.path.name}" if photo.path else photo.instance


def errors(queries: list[Query]) -> None:
    """Each reported query whose top match is wrong, each never-reported one with a "high"."""
    wrong = [q for q in queries if (not _right_at(q, 1) if q.reported else q.any_high)]
    if not wrong:
        return
    print("\n### Errors\n")
    print("| query | reported | top match | similarity | confidence | right at rank |")
    print("|---|---|---|---|---|---|")
    for q in wrong:
        found, similarity, confidence = q.top[0] if q.top else (None, 0.0, "-")
        rank = next(
            (
                str(n)
                for n, (p, _, _) in enumerate(q.top, 1)
                if p is not None and p.instance == q.photo.instance
            ),
            "-",
        )
        print(
            f"| {_name(q.photo)} | {'yes' if q.reported else 'no'} | {_name(found)} "
            f"| {similarity:.3f} | {confidence} | {rank} |"
        )


if __name__ == "__main__":
    main()
