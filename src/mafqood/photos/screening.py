"""Screening of uploaded photos for nudity, behind one small interface.

The default screen lets everything through. `NSFW_BACKEND=nudenet` uses the NudeNet detector
(an ONNX model shipped inside its PyPI package). NudeNet's licence file is AGPL-3.0, so it is
never a default dependency: it is the optional extra `mafqood[nsfw]`, used only when installed
and enabled.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

import numpy as np
from fastapi import Depends
from PIL import Image

from mafqood.core.config import Settings
from mafqood.core.errors import FieldError
from mafqood.core.web import process_object
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


@dataclass(frozen=True)
class PhotoScreening:
    """The configured screen and the score from which a photo is refused."""

    screen: PhotoScreen
    threshold: float

    @classmethod
    def configured(cls, settings: Settings) -> PhotoScreening:
        return cls(make_screen(settings), settings.nsfw_threshold)

    async def check(self, image: Image.Image) -> None:
        """Refuse a photo the screen finds explicit (422 on the image field)."""
        if isinstance(self.screen, AllowAll):
            return
        with observe_inference(f"nsfw-{self.screen.name}"):
            score = await asyncio.to_thread(self.screen.unsafe_score, image)
        if score >= self.threshold:
            raise FieldError("image", "inappropriate_image")


ScreeningDep = Annotated[PhotoScreening, Depends(process_object("photo_screening"))]
