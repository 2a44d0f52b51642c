"""Cost of masking a photo of a document in a vision worker, per photo: decoding the stored
photo, finding its text (tesseract, English and Arabic), identifiers, machine-readable zone
and faces, painting them over and encoding the three masked files (matching/redaction.mask).
The photos are the tests' made-up documents, photographed as by a phone and stored as the
API stores them; the last column counts the photos in which tesseract still reads four digits
in a row of the document's number after masking (0 is the aim).

    .venv/bin/python -m scripts.bench.redaction [--photos 4]
"""

from __future__ import annotations

import argparse
import os
import re
import time

import pytesseract
from tests import document_photos
from tests.test_document_redaction import digit_runs, open_rgb

from mafqood.matching.redaction import mask
from mafqood.photos.processing import process_photo
from scripts.bench.machine import describe, percentile


def run(photos: int) -> None:
    # tesseract's OpenMP threads: the service leaves them to tesseract (OMP_THREAD_LIMIT set
    # for a whole vision worker slowed its image model); the benchmark says which it ran with.
    print(describe(), f"OMP_THREAD_LIMIT={os.environ.get('OMP_THREAD_LIMIT', 'unset')}")
    print("| document | difficulty | photos | p50 ms | p95 ms | mean ms | number still read |")
    print("|---|---|---|---|---|---|---|")
    for kind in document_photos.KINDS:
        for difficulty in document_photos.DIFFICULTIES:
            timings, leaks = [], 0
            for seed in range(photos):
                document, taken = document_photos.document_photo(seed, kind, difficulty)
                stored = process_photo(taken, 50_000_000).original
                start = time.perf_counter()
                masked, _, _ = mask(stored)
                timings.append((time.perf_counter() - start) * 1000)
                text = pytesseract.image_to_string(open_rgb(masked), config="--psm 11")
                digits = re.sub(r"\D", "", text)
                leaks += any(run in digits for run in digit_runs(document.number))
            print(
                f"| {kind} | {difficulty} | {photos} | {percentile(timings, 0.5):.0f} "
                f"| {percentile(timings, 0.95):.0f} | {sum(timings) / len(timings):.0f} | {leaks} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=4, help="photos per kind and difficulty")
    run(parser.parse_args().photos)


if __name__ == "__main__":
    main()
