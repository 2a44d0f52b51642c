"""Vision fixtures: the exported model (prepared once, like `make test` does) and one
pipeline per test session. No database or network is needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from mafqood.core.config import get_settings
from mafqood.vision import VisionConfig, VisionPipeline
from mafqood.vision.export import export_lite0


@pytest.fixture(scope="session")
def model_dir() -> Path:
    path = get_settings().model_dir
    export_lite0(path)  # a no-op when setup already exported it
    return path


@pytest.fixture(scope="session")
def pipeline(model_dir: Path) -> VisionPipeline:
    return VisionPipeline(VisionConfig(model_dir=model_dir))
