"""Lost reports WITHOUT a photo in a crowded venue: does the description find the found report?

The dataset (scripts/bench/data/described_objects.json) holds, for objects of the UKBench
evaluation photos (read where they lie, never copied), what their owner would write in English
and in Arabic in three styles (short: a title only; detailed: title, description, category and
colour; colloquial: a hurried sentence), and the desk's terse title of the found object.

- The crowd: a venue's found reports at one place and hour. Each described object is there once,
  with its UKBench view 1 as the photo and the desk's title, category and colour. The rest are
  made-up photos (scripts/bench/crowd_fillers.py) of the portable UKBench objects that are not
  described, each with a title from a desk's everyday list (FILLER_TITLES): other soft toys,
  books, CDs, keys and jackets compete with the right one by their words.
- Every crowd report is stored with the analysis the vision worker makes of its photo
  (matching/analysis.save). Each query is a lost report without a photo, made an hour earlier
  as POST /api/v1/lost/described makes it, and handled by processing.analyse_report (the vision
  worker's job): text vector, candidates, scoring, storing the matches.
- recall@k: the right found report among the k best stored matches; "medium" is the share of
  queries whose best match is "medium" (right or wrong); no match is ever "high".

    .venv/bin/python -m scripts.bench.described_crowd [--crowd 1000] [--limit-objects N]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy import select

from mafqood.composition.container import Container
from mafqood.composition.texts import register_texts
from mafqood.core.config import Settings
from mafqood.core.logging import configure_logging
from mafqood.items import analysis_queue
from mafqood.items.schemas import ItemCreate
from mafqood.items.service import create_item
from mafqood.lifecycle.models import Match
from mafqood.matching import processing
from mafqood.matching.analysis import ReportAnalysis, save
from mafqood.users.models import User
from mafqood.vision.text import item_text
from scripts.bench.crowd_fillers import filler_jpeg
from scripts.bench.crowded_venue import (
    LATITUDE,
    LONGITUDE,
    PLACE,
    fresh_runtime,
    make_user,
    venue_item,
)
from scripts.bench.machine import describe, percentile

DATA = Path(".data/bench-described")
DATASET = Path(__file__).parent / "data" / "described_objects.json"
STYLES = ("short", "detailed", "colloquial")
LANGUAGES = ("en", "ar")
# What a venue's desk writes of everyday found property (title, category, colour).
FILLER_TITLES = [
    ("Black wallet", "wallet", "black"),
    ("Brown leather wallet", "wallet", "brown"),
    ("iPhone", "phone", "black"),
    ("Samsung phone", "phone", "blue"),
    ("Mobile phone", "phone", "white"),
    ("Keys", "keys", "silver"),
    ("Car key", "keys", "black"),
    ("Backpack", "bag", "black"),
    ("Handbag", "bag", "beige"),
    ("Shopping bag", "bag", "white"),
    ("Sunglasses", "other", "black"),
    ("Umbrella", "other", "blue"),
    ("Water bottle", "other", "silver"),
    ("Scarf", "other", "red"),
    ("Jacket", "other", "black"),
    ("Baby shoe", "other", "pink"),
    ("Soft toy", "other", "brown"),
    ("Soft toy", "other", "pink"),
    ("Toy car", "other", "blue"),
    ("Book", "documents", "white"),
    ("Notebook", "documents", "blue"),
    ("Passport", "id", "red"),
    ("ID card", "id", "white"),
    ("Headphones", "electronics", "black"),
    ("Charger", "electronics", "white"),
    ("Laptop", "electronics", "grey"),
    ("Watch", "jewelry", "gold"),
    ("Ring", "jewelry", "silver"),
    ("CD", "other", "black"),
    ("Box", "other", "brown"),
]


@dataclass
class Found:
    instance: str
    photo: Path | None  # None: made up
    title: str
    description: str | None
    category: str
    colour: str | None
    seed: int = 0


@dataclass
class Ask:
    instance: str
    language: str
    style: str
    form: dict[str, Any]
    ranked: list[str | None] = field(default_factory=list)
    confidences: list[str] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)  # similarity and features
    ms: float = 0.0


def load(eval_dir: Path, limit: int | None) -> tuple[list[Found], list[Ask], list[Path]]:
    dataset = json.loads(DATASET.read_text())
    folder = eval_dir / dataset["set"]
    with (folder / "labels.csv").open() as labels:
        rows = list(csv.DictReader(labels))
    objects = dataset["objects"][:limit]
    described = {entry["instance"] for entry in objects}
    view = {(row["instance_id"], row["view"]): folder / row["image"] for row in rows}
    found, asks = [], []
    for entry in objects:
        desk = entry["desk"]
        found.append(
            Found(
                entry["instance"],
                view[(entry["instance"], "1")],
                desk["title"],
                desk.get("description"),
                entry["category"],
                desk.get("colour"),
            )
        )
        for language in LANGUAGES:
            for style in STYLES:
                text = entry[language][style]
                form: dict[str, Any] = {"title": text["title"]}
                if text.get("description"):
                    form["description"] = text["description"]
                if style == "detailed":
                    form["category"] = entry["category"]
                    form["color"] = entry["colour"]
                asks.append(Ask(entry["instance"], language, style, form))
    sources = [
        folder / row["image"]
        for row in rows
        if row["portable"] == "1" and row["instance_id"] not in described
    ]
    return found, asks, sources


def fillers(count: int, sources: list[Path]) -> list[Found]:
    rng = np.random.default_rng(22)
    made = []
    for index in range(count):
        title, category, colour = FILLER_TITLES[int(rng.integers(len(FILLER_TITLES)))]
        made.append(Found(f"filler-{index}", None, title, None, category, colour, seed=index))
    return made


async def add_crowd(
    container: Container,
    desk: User,
    crowd: list[Found],
    sources: list[Path],
    when: datetime,
    instance_of: dict[uuid.UUID, str],
) -> None:
    """Store the found reports with the analysis of their photos, as the vision worker does."""
    vision = container.vision
    texts = [item_text(f.title, f.description, None, f.colour) for f in crowd]
    text_vectors = vision.embed_texts(texts)
    started = time.perf_counter()
    for first in range(0, len(crowd), 50):
        part = crowd[first : first + 50]
        images = []
        for entry in part:
            data = (
                entry.photo.read_bytes()
                if entry.photo is not None
                else filler_jpeg(entry.seed, sources)
            )
            with Image.open(io.BytesIO(data)) as opened:
                images.append(opened.convert("RGB"))
        analyses = await asyncio.to_thread(vision.analyse_many, images)
        async with container.sessionmaker() as session:
            for offset, (entry, image) in enumerate(zip(part, analyses, strict=True)):
                item = venue_item(
                    desk,
                    "found",
                    f"bench/{entry.instance}",
                    when,
                    title=entry.title,
                    description=entry.description,
                    category=entry.category,
                    color=entry.colour,
                )
                session.add(item)
                await session.flush()
                await session.refresh(item, ["photos"])
                vector = text_vectors[first + offset]
                await save(session, item, ReportAnalysis(image, vector, (image,)), vision)
                instance_of[item.id] = entry.instance
            await session.commit()
        print(
            f"  crowd {first + len(part)}/{len(crowd)} ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )


async def ask(
    container: Container,
    owner: User,
    question: Ask,
    when: datetime,
    instance_of: dict[uuid.UUID, str],
) -> None:
    """A lost report without a photo, stored as POST /api/v1/lost/described stores it and
    handled by the vision worker's job."""
    form = ItemCreate(
        **question.form,
        location=PLACE,
        latitude=LATITUDE,
        longitude=LONGITUDE,
        date_time=when,
    )
    async with container.sessionmaker() as session:
        item = await create_item(
            session, container.storage, owner, uuid.uuid4(), "lost", form, None
        )
        job = analysis_queue.enqueue_analysis(session, item.id)
        await session.commit()
        item_id, job_id = item.id, job.id
    began = time.perf_counter()
    outcome = await processing.analyse_report(container, job_id)
    question.ms = (time.perf_counter() - began) * 1000
    assert outcome == "done", outcome
    async with container.sessionmaker() as session:
        rows = await session.execute(
            select(
                Match.matched_item_id,
                Match.confidence,
                Match.similarity_score,
                Match.matching_features,
            )
            .where(Match.user_item_id == item_id)
            .order_by(Match.similarity_score.desc())
        )
        for other, confidence, similarity, features in rows:
            question.ranked.append(instance_of.get(other))
            question.confidences.append(confidence or "low")
            question.details.append({"similarity": float(similarity), **(features or {})})


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "-"


def table(asks: list[Ask], crowd: int) -> None:
    print(f"\nPhoto-less lost reports among {crowd} found reports at one venue and hour")
    print("| language | style | queries | recall@1 | recall@5 | matched at all | best is medium |")
    print("|---|---|---|---|---|---|---|")
    groups = [(lang, style) for lang in LANGUAGES for style in STYLES]
    groups += [(lang, "all") for lang in LANGUAGES] + [("both", "all")]
    for language, style in groups:
        chosen = [a for a in asks if language in (a.language, "both") and style in (a.style, "all")]
        at1 = sum(a.ranked[:1] == [a.instance] for a in chosen)
        at5 = sum(a.instance in a.ranked[:5] for a in chosen)
        anywhere = sum(a.instance in a.ranked for a in chosen)
        medium = sum(a.confidences[:1] == ["medium"] for a in chosen)
        print(
            f"| {language} | {style} | {len(chosen)} | {_share(at1, len(chosen))} | "
            f"{_share(at5, len(chosen))} | {_share(anywhere, len(chosen))} | "
            f"{_share(medium, len(chosen))} |"
        )
    right_medium = sum(
        a.confidences[:1] == ["medium"] and a.ranked[:1] == [a.instance] for a in asks
    )
    wrong_medium = sum(
        c == "medium" and r != a.instance
        for a in asks
        for r, c in zip(a.ranked, a.confidences, strict=True)
    )
    high = sum(c == "high" for a in asks for c in a.confidences)
    times = [a.ms for a in asks]
    print(
        f"\nbest match medium and right: {right_medium}; medium matches of another object: "
        f"{wrong_medium}; high: {high}"
    )
    print(
        f"worker time per report (text vector, search, scoring, storing): "
        f"p50 {percentile(times, 0.5):.0f} ms, p95 {percentile(times, 0.95):.0f} ms"
    )


async def measure(
    settings: Settings, found: list[Found], asks: list[Ask], sources: list[Path], crowd: int
) -> None:
    assert settings.database_url and settings.redis_url
    register_texts(settings)
    container = Container.build(settings, settings.database_url, settings.redis_url)
    try:
        crowd_time = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
        desk, owner = await make_user(container, "Desk"), await make_user(container, "Owner")
        instance_of: dict[uuid.UUID, str] = {}
        everything = found + fillers(max(0, crowd - len(found)), sources)
        await add_crowd(container, desk, everything, sources, crowd_time, instance_of)
        for done, question in enumerate(asks, 1):
            await ask(container, owner, question, crowd_time - timedelta(hours=1), instance_of)
            if done % 50 == 0:
                print(f"  {done}/{len(asks)} reports asked", flush=True)
    finally:
        await container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--crowd", type=int, default=1000)
    parser.add_argument("--limit-objects", type=int, default=None)
    parser.add_argument("--dump", type=Path, default=None, help="JSONL of every stored match")
    args = parser.parse_args()
    found, asks, sources = load(args.eval_dir, args.limit_objects)
    configure_logging("WARNING")
    settings, runtime = fresh_runtime(DATA)
    print(f"machine: {describe()}")
    print(
        f"{len(found)} described objects, {len(asks)} photo-less lost reports, "
        f"a crowd of {args.crowd} found reports"
    )
    try:
        asyncio.run(measure(settings, found, asks, sources, args.crowd))
    finally:
        runtime.stop()
    table(asks, args.crowd)
    if args.dump:
        rows = [
            {
                "query": a.instance,
                "language": a.language,
                "style": a.style,
                "rank": rank,
                "same": other == a.instance,
                "confidence": confidence,
                **details,
            }
            for a in asks
            for rank, (other, confidence, details) in enumerate(
                zip(a.ranked, a.confidences, a.details, strict=True), 1
            )
        ]
        args.dump.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    main()
