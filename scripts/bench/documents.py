"""Reading documents and matching them by what they say, on made-up photos
(tests/document_photos.py): field accuracy by difficulty, recall among 1,000 look-alike
documents, and the vision worker's cost per document photo.

    .venv/bin/python -m scripts.bench.documents [--per-cell 6] [--look-alikes 1000]

Fields: the identifier (the Emirates ID number, the passport number from its checked
machine-readable zone, the card number by Luhn) read exactly; a wrong identifier (read but not
the printed one: the costly error); the name (every token of the printed name among those
read); the kind. Recall: each photo's reading stored among `--look-alikes` documents of its
kind (same layout, names from the same short lists), then the owner's lost report states the
number, or only the name; the right document must rank first (engine's scoring.for_document on
documents.facts.compare). Cost: wall time and CPU (this process and tesseract's) per photo.
"""

from __future__ import annotations

import argparse
import io
import resource
import time
from dataclasses import dataclass, field

from PIL import Image
from tests.document_photos import DIFFICULTIES, KINDS, Document, document_photo, look_alikes

from mafqood.documents import facts
from mafqood.documents.names import name_tokens
from mafqood.matching.scoring import LOOKS_CEILING, for_document
from mafqood.vision.reading import DocumentReading, read_document
from scripts.bench.machine import describe, percentile

SECRETS = ["bench-secret" * 4]
# All look-alikes look the same: one visual similarity for every pair.
LOOKS = 0.9


@dataclass
class Cell:
    photos: int = 0
    identifier: int = 0
    wrong: int = 0
    name: int = 0
    kind: int = 0
    by_number: int = 0
    by_name: int = 0
    by_name_tied: int = 0
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _found_facts(doc: Document, reading: DocumentReading | None) -> facts.Facts:
    if reading is None:  # a look-alike: read as printed
        identifiers = [doc.digits]
        tokens = name_tokens(doc.name)
        return facts.read(doc.kind, None, identifiers, None, tokens, (), SECRETS)
    return facts.read(reading.kind, None, reading.identifiers, reading.card_last4,
                      reading.name_tokens, reading.fields, SECRETS)  # fmt: skip


def _rank(lost: facts.Facts, gallery: list[facts.Facts], right: int) -> tuple[bool, bool]:
    """Whether the right document ranks first, and whether it is first only in a tie."""
    scores = []
    for candidate in gallery:
        evidence = facts.compare(lost, candidate)
        if evidence == "conflict":
            scores.append(-1.0)
            continue
        scores.append(for_document(LOOKS, "medium", evidence)[0])
    best = max(scores)
    tied = sum(score == best for score in scores)
    return scores[right] == best and best > LOOKS_CEILING, tied > 1


def run(per_cell: int, count: int) -> None:
    galleries = {kind: look_alikes(count, kind, start=100_000) for kind in KINDS}
    gallery_facts = {
        kind: [_found_facts(d, None) for d in docs] for kind, docs in galleries.items()
    }
    cells: dict[tuple[str, str], Cell] = {}
    for kind in KINDS:
        for difficulty in DIFFICULTIES:
            cell = cells.setdefault((kind, difficulty), Cell())
            for seed in range(per_cell):
                doc, photo = document_photo(seed, kind, difficulty)
                started, cpu = time.perf_counter(), _cpu()
                reading = read_document(Image.open(io.BytesIO(photo)))
                cell.seconds.append(time.perf_counter() - started)
                cell.cpu.append(_cpu() - cpu)
                cell.photos += 1
                cell.identifier += doc.digits in reading.identifiers
                cell.wrong += bool(reading.identifiers) and doc.digits not in reading.identifiers
                cell.name += set(name_tokens(doc.name)) <= set(reading.name_tokens)
                cell.kind += reading.kind == kind
                # The photo's reading takes the place of one look-alike.
                right = seed
                gallery = list(gallery_facts[kind])
                gallery[right] = _found_facts(doc, reading)
                number = facts.stated(doc.number, None, SECRETS)
                name = facts.stated(None, doc.name_ar, SECRETS)
                assert number is not None and name is not None
                first, _ = _rank(number, gallery, right)
                cell.by_number += first
                first, tied = _rank(name, gallery, right)
                cell.by_name += first
                cell.by_name_tied += first and tied
    print(f"Machine: {describe()}; {per_cell} photos per cell, {count} look-alikes per kind\n")
    print(
        "| document | difficulty | number read | wrong number | name read | kind | first by"
        " number | first by name (tied) | s per photo (p95) | CPU s per photo |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    total = Cell()
    for (kind, difficulty), cell in cells.items():
        n = cell.photos
        print(
            f"| {kind} | {difficulty} | {cell.identifier}/{n} | {cell.wrong}/{n} | "
            f"{cell.name}/{n} | {cell.kind}/{n} | {cell.by_number}/{n} | "
            f"{cell.by_name}/{n} ({cell.by_name_tied}) | "
            f"{sum(cell.seconds) / n:.2f} ({percentile(cell.seconds, 0.95):.2f}) | "
            f"{sum(cell.cpu) / n:.2f} |"
        )
        total.seconds += cell.seconds
        total.cpu += cell.cpu
    n = len(total.seconds)
    print(
        f"\nAll {n} photos: {sum(total.seconds) / n:.2f} s wall, "
        f"{sum(total.cpu) / n:.2f} s CPU per photo (p95 {percentile(total.seconds, 0.95):.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-cell", type=int, default=6)
    parser.add_argument("--look-alikes", type=int, default=1000)
    args = parser.parse_args()
    run(args.per_cell, args.look_alikes)


if __name__ == "__main__":
    main()
