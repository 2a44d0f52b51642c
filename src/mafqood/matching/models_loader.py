"""One vision pipeline per process and configuration: the models take a second or two to load
and a few hundred MB, so every app instance and worker task of a process shares them."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from mafqood.core.config import Settings
from mafqood.matching.search import SearchWindow
from mafqood.vision import VisionConfig, VisionPipeline


@lru_cache(maxsize=4)
def load_pipeline(config: VisionConfig) -> VisionPipeline:
    return VisionPipeline(config)


def pipeline_for(settings: Settings) -> VisionPipeline:
    return load_pipeline(VisionConfig.from_settings(settings))


def search_window(settings: Settings) -> SearchWindow:
    return SearchWindow(
        found_before_lost=timedelta(hours=settings.match_found_before_lost_hours),
        found_after_lost=timedelta(days=settings.match_window_days),
        max_km=settings.match_max_km,
    )
