"""`mafqood worker` whose photo analysis takes SLOW_SECONDS, announced by writing the
SLOW_MARKER file when it starts: a test can kill the worker in the middle of a job."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mafqood.cli import main
from mafqood.vision.pipeline import VisionPipeline

_analyse_many = VisionPipeline.analyse_many


def _slow_analyse_many(self: VisionPipeline, images: Sequence[Any]) -> Any:
    Path(os.environ["SLOW_MARKER"]).write_text(str(os.getpid()))
    time.sleep(float(os.environ.get("SLOW_SECONDS", "60")))
    return _analyse_many(self, images)


VisionPipeline.analyse_many = _slow_analyse_many  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
