"""Matching as an owner lives it: ONE photo per report, in a venue crowded with 1,000 to
10,000 open reports of the same place and hour, in both directions.

The protocol (read ../shared/eval there, never copied):
- Per set, instances in labels.csv order (SMVS phone photos only). Every fourth instance (the
  4th, 8th ...) is crowd material only: its photos feed the made-up crowd photos
  (scripts/bench/crowd_fillers.py) and are never queried. Of the others, every third is never
  reported (any "high" it gets is a false "high"); the rest are reported.
- A reported instance has exactly one photo in the crowd (UKBench's view 1, SMVS's second
  phone, COIL's view 45 or 90 degrees from the query, alternating) and one query photo (its
  first row). Nothing else of it is anywhere.
- The crowd: those photos plus made-up ones up to 1,000, 5,000 and 10,000 reports, all at one
  venue and hour, all of the crowd's type.
- Direction "lost": the crowd is found reports (a venue's shelves), each query a lost report
  made an hour earlier. Direction "found": the crowd is lost reports (owners who wrote in),
  each query a found report made an hour later.
- Crowd reports are stored with the analysis the vision worker makes of their photo, written
  by its own code (matching/analysis.save); the analysis of each photo is computed once and
  kept in .data/bench-cache (--workers processes build it). Queries are made as
  POST /api/v1/lost|found makes them and handled by processing.analyse_report, the vision
  worker's job: analysis, candidate search in PostgreSQL, verification, scoring, storing and
  telling the matches. Its time is the submission latency.
- First-stage recall: the right report among the candidates that verification sees
  (matching/engine.candidates, asked again with the stored analysis).

    .venv/bin/python -m scripts.bench.one_photo_crowd [--sizes 1000,5000,10000]
        [--directions lost,found] [--sets ...] [--limit-instances N] [--dump pairs.jsonl]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy import select, text

from mafqood.composition.container import Container
from mafqood.composition.runtime import prepare_runtime
from mafqood.composition.texts import register_texts
from mafqood.core.config import Settings
from mafqood.core.logging import configure_logging
from mafqood.items.models import Item, ItemObjectVector
from mafqood.lifecycle.models import Match
from mafqood.matching import engine, processing
from mafqood.matching.analysis import ReportAnalysis, save
from mafqood.matching.models_loader import search_window
from mafqood.users.models import User
from mafqood.vision import ImageAnalysis, VisionConfig, VisionPipeline
from scripts.bench.crowd_fillers import filler_jpeg
from scripts.bench.crowded_venue import (
    labelled_photos,
    make_user,
    report,
    venue_item,
)
from scripts.bench.machine import describe, percentile

DATA = Path(".data/bench-one-photo")
CACHE = Path(".data/bench-cache")
SETS = ("ukbench250", "smvs_dev50", "coil100")
SIZES = (1000, 5000, 10000)
TITLES = {"lost": "Lost item", "found": "Found item"}


@dataclass(frozen=True)
class Photo:
    set_name: str
    instance: str
    path: Path | None  # None: made up from `sources`
    seed: int = 0
    sources: tuple[Path, ...] = ()

    def data(self) -> bytes:
        if self.path is None:
            return filler_jpeg(self.seed, self.sources)
        return self.path.read_bytes()


@dataclass
class Outcome:
    """One query at one crowd size."""

    top: list[tuple[str | None, float, str]]  # (instance, similarity, confidence), best first
    any_high: bool
    first_stage: bool
    first_stage_whole_photo: bool  # the same without the object-centred vectors
    candidates: int
    ms: float


@dataclass
class Query:
    photo: Photo
    reported: bool
    outcomes: dict[tuple[str, str], Outcome] = field(default_factory=dict)  # (direction, crowd)


@dataclass(frozen=True)
class Plan:
    crowd: list[Photo]  # the reported instances' one photo each
    queries: list[Query]
    sources: tuple[Path, ...]  # photos of the crowd-material instances

    def fillers(self, count: int) -> list[Photo]:
        return [
            Photo("filler", f"filler:{n}", None, seed=n, sources=self.sources) for n in range(count)
        ]


def plan(eval_dir: Path, sets: Sequence[str], limit: int | None) -> Plan:
    crowd: list[Photo] = []
    queries: list[Query] = []
    sources: list[Path] = []
    for set_name in sets:
        folder = eval_dir / set_name
        by_instance: dict[str, list[tuple[Photo, int | None]]] = {}
        for instance, path, angle in labelled_photos(folder, set_name):
            by_instance.setdefault(instance, []).append((Photo(set_name, instance, path), angle))
        instances = list(by_instance.values())
        material = [views for index, views in enumerate(instances) if index % 4 == 3]
        sources += [photo.path for views in material for photo, _ in views if photo.path]
        queried = [views for index, views in enumerate(instances) if index % 4 != 3][:limit]
        reported = 0
        for index, views in enumerate(queried):
            query = views[0][0]
            if index % 3 == 2:
                queries.append(Query(query, reported=False))
                continue
            if views[0][1] is not None:  # COIL: the view 45 or 90 degrees away
                gap = 45 if reported % 2 == 0 else 90
                kept = next(photo for photo, angle in views if angle == gap)
            else:
                kept = views[1][0]
            reported += 1
            crowd.append(kept)
            queries.append(Query(query, reported=True))
    return Plan(crowd, queries, tuple(sources))


# --- the analysis of every crowd photo, computed once -------------------------------------


def _cache_file(photo: Photo, model: str) -> Path:
    name = photo.path.as_posix() if photo.path else f"filler-{photo.seed}"
    digest = hashlib.sha1(f"{model}|{name}|{len(photo.sources)}".encode()).hexdigest()
    return CACHE / model / f"{digest[:20]}.npz"


_VISION: VisionPipeline | None = None
_SOURCES: tuple[Path, ...] = ()


def _start_worker(model_dir: Path, sources: tuple[Path, ...]) -> None:
    global _VISION, _SOURCES
    _VISION = VisionPipeline(VisionConfig(model_dir=model_dir, intra_op_threads=1))
    _SOURCES = sources


def _analyse_and_keep(job: tuple[Path | None, int, Path]) -> None:
    path, seed, target = job
    assert _VISION is not None
    data = path.read_bytes() if path is not None else filler_jpeg(seed, _SOURCES)
    with Image.open(io.BytesIO(data)) as opened:
        analysis = _VISION.analyse(opened.convert("RGB"))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.stem + ".part.npz")
    np.savez(
        partial,
        vector=analysis.image_vector,
        objects=np.stack(analysis.object_vectors),
        features=np.frombuffer(analysis.local_features, np.uint8),
        detected=np.array(json.dumps(analysis.detected_objects)),
        category=np.array(analysis.suggested_category or ""),
    )
    partial.rename(target)


def build_cache(
    photos: Sequence[Photo], sources: tuple[Path, ...], model: str, model_dir: Path, workers: int
) -> None:
    missing = [p for p in photos if not _cache_file(p, model).exists()]
    if not missing:
        return
    print(f"analysing {len(missing)} crowd photos once ({workers} processes)", flush=True)
    started = time.perf_counter()
    jobs = [(p.path, p.seed, _cache_file(p, model)) for p in missing]
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, _start_worker, (model_dir, sources)) as pool:
        for done, _ in enumerate(pool.imap_unordered(_analyse_and_keep, jobs, chunksize=8), 1):
            if done % 1000 == 0:
                print(
                    f"  {done}/{len(missing)} ({time.perf_counter() - started:.0f} s)", flush=True
                )


def cached_analysis(photo: Photo, model: str, text_vector: np.ndarray) -> ReportAnalysis:
    with np.load(_cache_file(photo, model)) as stored:
        image = ImageAnalysis.from_stored(
            stored["vector"],
            model,
            stored["features"].tobytes(),
            json.loads(str(stored["detected"])),
            str(stored["category"]) or None,
        )
        image = replace(image, object_vectors=tuple(stored["objects"]))
    return ReportAnalysis(image, text_vector, (image,))


# --- the service --------------------------------------------------------------------------


async def add_crowd(
    container: Container,
    desk: User,
    kind: str,
    photos: Sequence[Photo],
    when: datetime,
    instance_of: dict[uuid.UUID, str],
) -> None:
    """Store the crowd's reports with their photos' analysis, a few hundred per commit."""
    vision = container.vision
    text_vector = vision.embed_text(TITLES[kind])
    for first in range(0, len(photos), 250):
        async with container.sessionmaker() as session:
            for photo in photos[first : first + 250]:
                item = venue_item(
                    desk,
                    kind,
                    f"bench/{photo.instance}",
                    when,
                    title=TITLES[kind],
                    category="other",
                    category_given=False,
                )
                session.add(item)
                await session.flush()
                await session.refresh(item, ["photos"])
                analysis = cached_analysis(photo, vision.image_model, text_vector)
                await save(session, item, analysis, vision)
                instance_of[item.id] = photo.instance
            await session.commit()


async def stored_analysis(session: Any, item: Item) -> ReportAnalysis:
    """What the worker computed for the query, read back from its rows."""
    await session.refresh(item, ["local_features"])
    rows = await session.execute(
        select(ItemObjectVector.embedding)
        .where(ItemObjectVector.item_id == item.id, ItemObjectVector.position == 0)
        .order_by(ItemObjectVector.crop)
    )
    image = ImageAnalysis.from_stored(item.image_embedding, item.image_model or "", None)
    image = replace(
        image,
        object_vectors=tuple(np.asarray(v, np.float32) for v in rows.scalars()),
    )
    return ReportAnalysis(image, np.asarray(item.text_embedding, np.float32), (image,))


async def ask(
    container: Container,
    owner: User,
    kind: str,
    query: Query,
    when: datetime,
    instance_of: dict[uuid.UUID, str],
    dump: list[dict[str, Any]] | None,
    label: tuple[str, str],
) -> None:
    item_id, job_id = await report(container, owner, kind, query.photo, when)
    began = time.perf_counter()
    outcome = await processing.analyse_report(container, job_id)
    ms = (time.perf_counter() - began) * 1000
    assert outcome == "done", (query.photo.path, outcome)
    async with container.sessionmaker() as session:
        item = await session.get(Item, item_id)
        assert item is not None
        window = search_window(container.settings)
        analysis = await stored_analysis(session, item)
        first = await engine.candidates(session, item, analysis, window)
        whole = replace(analysis.image, object_vectors=())
        first_whole = await engine.candidates(
            session, item, replace(analysis, image=whole, views=(whole,)), window
        )
        side = Match.user_item_id if kind == "lost" else Match.matched_item_id
        other = Match.matched_item_id if kind == "lost" else Match.user_item_id
        rows = await session.execute(
            select(other, Match.similarity_score, Match.confidence, Match.matching_features)
            .where(side == item_id)
            .order_by(Match.similarity_score.desc())
        )
        matches = list(rows)
    top = [(instance_of.get(o), float(s), c or "low") for o, s, c, _ in matches]
    right = query.photo.instance
    query.outcomes[label] = Outcome(
        top=top[:5],
        any_high=any(c == "high" for _, _, c in top),
        first_stage=any(instance_of.get(i) == right for i in first),
        first_stage_whole_photo=any(instance_of.get(i) == right for i in first_whole),
        candidates=len(first),
        ms=ms,
    )
    if dump is not None:
        for rank, (other_id, similarity, confidence, features) in enumerate(matches, 1):
            dump.append(
                {
                    "direction": label[0],
                    "crowd": label[1],
                    "set": query.photo.set_name,
                    "query": right,
                    "reported": query.reported,
                    "rank": rank,
                    "same": instance_of.get(other_id) == right,
                    "similarity": similarity,
                    "confidence": confidence,
                    "features": features,
                }
            )


async def run_direction(
    container: Container,
    direction: str,
    the_plan: Plan,
    sizes: Sequence[int],
    close_half: bool,
    dump: list[dict[str, Any]] | None,
) -> None:
    crowd_kind = "found" if direction == "lost" else "lost"
    async with container.sessionmaker() as session:
        await session.execute(text("TRUNCATE items CASCADE"))
        await session.commit()
    crowd_time = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
    query_time = crowd_time + timedelta(hours=-1 if direction == "lost" else 1)
    desk = await make_user(container, "Crowd")
    owner = await make_user(container, "Query")
    everything = the_plan.crowd + the_plan.fillers(max(sizes) - len(the_plan.crowd))
    instance_of: dict[uuid.UUID, str] = {}
    stored = 0
    steps: list[tuple[int, str]] = [(size, f"{size}") for size in sizes]
    if close_half:
        steps.append((max(sizes), f"{max(sizes)}, half of it closed"))
    for size, crowd in steps:
        started = time.perf_counter()
        if size > stored:
            await add_crowd(
                container, desk, crowd_kind, everything[stored:size], crowd_time, instance_of
            )
            stored = size
        else:
            await close_half_of_the_fillers(container)
        print(
            f"{direction}: crowd of {crowd} {crowd_kind} reports "
            f"(ready in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        for query in the_plan.queries:
            await ask(
                container,
                owner,
                direction,
                query,
                query_time,
                instance_of,
                dump,
                (direction, crowd),
            )


async def close_half_of_the_fillers(container: Container) -> None:
    """Reports closed since (handed over, withdrawn): they stay in the tables and the
    graphs, and the search must walk past them."""
    async with container.sessionmaker() as session:
        await session.execute(
            text(
                "UPDATE items SET status = 'closed' "
                "WHERE image_key LIKE 'bench/filler:%' AND hashtext(id::text) % 2 = 0"
            )
        )
        await session.commit()


# --- the tables ---------------------------------------------------------------------------


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def _right_at(query: Query, outcome: Outcome, k: int) -> bool:
    return any(instance == query.photo.instance for instance, _, _ in outcome.top[:k])


def tables(queries: list[Query], labels: Iterable[tuple[str, str]], sets: Sequence[str]) -> None:
    print(
        "\n| direction | crowd | set | queries | recall@1 | recall@5 | first-stage recall "
        '| first stage, whole photo only | true top-1 "high" | precision of "high" '
        "| false high | p50 ms | p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for direction, size in labels:
        for name in [*sets, "all"]:
            group = [q for q in queries if name in ("all", q.photo.set_name)]
            got = [(q, q.outcomes[(direction, size)]) for q in group]
            reported = [(q, o) for q, o in got if q.reported]
            r1 = sum(_right_at(q, o, 1) for q, o in reported)
            r5 = sum(_right_at(q, o, 5) for q, o in reported)
            first = sum(o.first_stage for _, o in reported)
            whole = sum(o.first_stage_whole_photo for _, o in reported)
            true_top = [(q, o) for q, o in reported if _right_at(q, o, 1)]
            high_true = sum(o.top[0][2] == "high" for _, o in true_top)
            high = [(q, o) for q, o in got if o.top and o.top[0][2] == "high"]
            high_right = sum(q.reported and _right_at(q, o, 1) for q, o in high)
            never = [o for q, o in got if not q.reported]
            times = [o.ms for _, o in got]
            print(
                f"| {direction} | {size} | {name} | {len(reported)} | {_share(r1, len(reported))} "
                f"| {_share(r5, len(reported))} | {_share(first, len(reported))} "
                f"| {_share(whole, len(reported))} "
                f"| {_share(high_true, len(true_top))} | {_share(high_right, len(high))} "
                f"| {_share(sum(o.any_high for o in never), len(never))} "
                f"| {percentile(times, 0.5):.0f} | {percentile(times, 0.95):.0f} |"
            )


async def measure(
    settings: Settings,
    the_plan: Plan,
    directions: Sequence[str],
    sizes: Sequence[int],
    close_half: bool,
    dump: list[dict[str, Any]] | None,
) -> None:
    assert settings.database_url and settings.redis_url
    register_texts(settings)  # matches notify their owners
    container = Container.build(settings, settings.database_url, settings.redis_url)
    try:
        container.vision  # noqa: B018 - load the models before anything is timed
        for direction in directions:
            await run_direction(container, direction, the_plan, sizes, close_half, dump)
    finally:
        await container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--directions", default="lost,found")
    parser.add_argument("--limit-instances", type=int, default=None, help="per set")
    parser.add_argument("--workers", type=int, default=2, help="processes building the cache")
    parser.add_argument(
        "--close-half",
        action="store_true",
        help="then close half of the made-up crowd and ask again",
    )
    parser.add_argument("--dump", type=Path, default=None, help="JSONL of every stored match")
    args = parser.parse_args()
    sets = [name for name in args.sets.split(",") if name]
    sizes = sorted(int(size) for size in args.sizes.split(","))
    directions = [name for name in args.directions.split(",") if name]
    the_plan = plan(args.eval_dir, sets, args.limit_instances)
    if max(sizes) < len(the_plan.crowd):
        raise SystemExit(f"the smallest crowd holds {len(the_plan.crowd)} real reports")

    configure_logging("WARNING")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=DATA, rate_limit_enabled=False, log_level="WARNING"
    )
    vision_config = VisionConfig.from_settings(settings)
    model = VisionPipeline(replace(vision_config, intra_op_threads=1)).image_model
    crowd = the_plan.crowd + the_plan.fillers(max(sizes) - len(the_plan.crowd))
    build_cache(crowd, the_plan.sources, model, vision_config.model_dir, args.workers)

    shutil.rmtree(DATA, ignore_errors=True)
    runtime = prepare_runtime(settings)
    settings = settings.model_copy(
        update={"database_url": runtime.database_url, "redis_url": runtime.redis_url}
    )
    print(f"machine: {describe()}")
    reported = sum(q.reported for q in the_plan.queries)
    print(
        f"sets: {', '.join(sets)}; {len(the_plan.queries)} queries ({reported} reported), "
        f"{len(the_plan.crowd)} real crowd photos, {len(the_plan.sources)} photos of crowd "
        f"material; crowds of {', '.join(map(str, sizes))}"
    )
    dump: list[dict[str, Any]] | None = [] if args.dump else None
    try:
        asyncio.run(measure(settings, the_plan, directions, sizes, args.close_half, dump))
    finally:
        runtime.stop()
    crowds = [str(size) for size in sizes]
    if args.close_half:
        crowds.append(f"{max(sizes)}, half of it closed")
    labels = [(direction, crowd) for direction in directions for crowd in crowds]
    tables(the_plan.queries, labels, sets)
    if args.dump and dump is not None:
        args.dump.write_text("".join(json.dumps(row) + "\n" for row in dump))


if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    main()
