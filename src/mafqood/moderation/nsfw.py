"""Screening of uploaded photos for nudity, behind one small interface.

The default screen lets everything through. `NSFW_BACKEND=nudenet` uses the NudeNet detector
(an ONNX model shipped inside its PyPI package). NudeNet's licence file is AGPL-3.0, so it is
never a default dependency: it is the optional extra `mafqood[nsfw]`, used only when installed
and enabled.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

import numpy as np
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from mafqood.core.config import Settings
from mafqood.core.db import effects_of
from mafqood.core.errors import FieldError
from mafqood.observability.metrics import observe_inference


class PhotoScreen(Protocol):
    name: str

    def unsafe_score(self, image: Image.Image) -> float:
        """0 (clearly fine) to 1 (clearly explicit). CPU-bound: called from a thread."""
        ...


class AllowAll:
    name = "none"

    def unsafe_score(self, image: Image.Image) -> float:
        return 0.0


class NudeNetScreen:
    """The highest confidence of an explicit body-part detection."""

    name = "nudenet"
    EXPLICIT = frozenset(
        {
            "FEMALE_GENITALIA_EXPOSED",
            "MALE_GENITALIA_EXPOSED",
            "FEMALE_BREAST_EXPOSED",
            "BUTTOCKS_EXPOSED",
            "ANUS_EXPOSED",
        }
    )

    def __init__(self) -> None:
        from nudenet import NudeDetector

        self.detector: Any = NudeDetector()

    def unsafe_score(self, image: Image.Image) -> float:
        # NudeNet reads OpenCV's channel order (BGR).
        bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        detections = self.detector.detect(bgr)
        scores = [float(found["score"]) for found in detections if found["class"] in self.EXPLICIT]
        return max(scores, default=0.0)


class ScreenUnavailable(RuntimeError):
    pass


def make_screen(settings: Settings) -> PhotoScreen:
    if settings.nsfw_backend == "nudenet":
        try:
            return NudeNetScreen()
        except ImportError as exc:
            raise ScreenUnavailable(
                "NSFW_BACKEND=nudenet needs the optional extra: pip install 'mafqood[nsfw]' "
                "(NudeNet is AGPL-3.0 licensed)"
            ) from exc
    return AllowAll()


async def screen_photo(session: AsyncSession, image: Image.Image) -> None:
    """Refuse a photo the configured screen finds explicit (422 on the image field)."""
    effects = effects_of(session)
    if effects is None or isinstance(effects.photo_screen, AllowAll):
        return
    screen = effects.photo_screen
    with observe_inference(f"nsfw-{screen.name}"):
        score = await asyncio.to_thread(screen.unsafe_score, image)
    if score >= effects.settings.nsfw_threshold:
        raise FieldError("image", "inappropriate_image")
