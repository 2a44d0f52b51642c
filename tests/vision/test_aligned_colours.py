"""A product's colour variant verifies geometrically as well as the item itself; the colours
of the aligned photos tell them apart, while a global colour cast (white balance) does not."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from mafqood.vision.local_features import extract
from mafqood.vision.verification import verify

from .synth import WORDS, make_object, photograph

GREEN = (40, 170, 60)
MAGENTA = (200, 40, 150)


def _with_band(colour: tuple[int, int, int]) -> Image.Image:
    """A black-and-white printed item with its lower band in one colour (the variant's only
    change), like a can whose flavours differ by the colour of the label's band."""
    item = make_object(21).convert("L").convert("RGB")
    draw = ImageDraw.Draw(item)
    draw.rectangle((0, 125, 299, 199), fill=colour)
    draw.text((20, 150), f"{WORDS[0]} {WORDS[4]}", fill=(255, 255, 255))
    return item


def _colour_cast(image: Image.Image, gains: tuple[float, float, float]) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float32) * np.asarray(gains, np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def _counter(shade: int) -> Image.Image:
    """A plain counter, so that only the item carries colour."""
    noise = np.random.default_rng(shade).normal(shade, 6, (480, 640, 1)).repeat(3, axis=2)
    return Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8), "RGB")


def test_colour_variant_disagrees_and_a_colour_cast_does_not() -> None:
    desk = _counter(40)
    query = extract(photograph(_with_band(GREEN), desk, angle=5, scale=1.1))
    same_item = extract(
        _colour_cast(
            photograph(_with_band(GREEN), _counter(90), angle=-10, scale=1.0, tilt=0.15),
            (1.12, 1.0, 0.85),
        )
    )
    variant = extract(photograph(_with_band(MAGENTA), desk, angle=5, scale=1.1))
    same, other = verify(query, [same_item, variant])
    assert same.verified and other.verified
    assert other.colour_mismatch > 0.3
    assert same.colour_mismatch < 0.1


def test_without_a_chroma_thumbnail_there_is_no_colour_evidence() -> None:
    desk = _counter(60)
    query = extract(photograph(_with_band(GREEN), desk))
    variant = extract(photograph(_with_band(MAGENTA), desk, angle=3))
    legacy = type(variant)(**{**variant.__dict__, "chroma": np.zeros((0, 0, 2), np.uint8)})
    (evidence,) = verify(query, [legacy])
    assert evidence.verified
    assert evidence.colour_mismatch == 0.0
