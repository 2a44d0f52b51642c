"""Made-up crowd photos that look like a venue's found-property photos: an object photo laid
on another photo's desk or floor, off-centre, turned, lit differently, with clutter at the edge.

Textures (scripts/bench/synthetic.py) are far from every real photo, so they make a crowd that
never competes with the right item; these share the real photos' desks, objects and colours,
which is what fills a venue's search results with look-alikes. The source photos are read
where they lie (never copied); callers choose sources from instances that are not queried.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

SIZE = (640, 480)


def _cover(image: Image.Image, size: tuple[int, int], zoom: float) -> Image.Image:
    """Scale to cover `size` (times zoom) and crop the middle."""
    width, height = size
    scale = max(width / image.width, height / image.height) * zoom
    resized = image.resize(
        (max(width, round(image.width * scale)), max(height, round(image.height * scale))),
        Image.Resampling.BILINEAR,
    )
    left = (resized.width - width) // 2
    top = (resized.height - height) // 2
    return resized.crop((left, top, left + width, top + height))


def _cut_out(photo: Image.Image, rng: np.random.Generator) -> tuple[Image.Image, Image.Image]:
    """(object, mask): an object on a dark turntable keeps its own outline; any other photo
    gives its central part with soft edges (a card, a box, a bag seen close up)."""
    grey = np.asarray(photo.convert("L"), dtype=np.float32)
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    if border.mean() < 25:
        mask = Image.fromarray(((grey > 30) * 255).astype(np.uint8)).filter(
            ImageFilter.GaussianBlur(1.5)
        )
        return photo, mask
    share = rng.uniform(0.45, 0.8)
    width, height = photo.size
    box_w, box_h = round(width * share), round(height * share)
    left = round((width - box_w) * rng.uniform(0.3, 0.7))
    top = round((height - box_h) * rng.uniform(0.3, 0.7))
    part = photo.crop((left, top, left + box_w, top + box_h))
    mask = Image.new("L", part.size, 0)
    inset = max(2, min(part.size) // 12)
    mask.paste(255, (inset, inset, part.width - inset, part.height - inset))
    return part, mask.filter(ImageFilter.GaussianBlur(inset / 2))


def _lay(
    scene: Image.Image, photo: Image.Image, rng: np.random.Generator, share: float, centre: bool
) -> None:
    item, mask = _cut_out(photo, rng)
    angle = float(rng.uniform(-25, 25))
    item = item.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True)
    mask = mask.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True)
    scale = scene.width * share / max(item.size)
    size = (max(8, round(item.width * scale)), max(8, round(item.height * scale)))
    item, mask = item.resize(size, Image.Resampling.BILINEAR), mask.resize(size)
    if centre:
        x = scene.width / 2 + rng.uniform(-0.15, 0.15) * scene.width
        y = scene.height / 2 + rng.uniform(-0.15, 0.15) * scene.height
    else:  # clutter near an edge
        x = rng.choice([0.1, 0.9]) * scene.width
        y = rng.uniform(0.1, 0.9) * scene.height
    scene.paste(item, (round(x - size[0] / 2), round(y - size[1] / 2)), mask)


def filler_jpeg(seed: int, sources: Sequence[Path], size: tuple[int, int] = SIZE) -> bytes:
    """One made-up found-property photo, the same for the same seed and sources."""
    rng = np.random.default_rng(seed)

    def pick() -> Image.Image:
        with Image.open(sources[int(rng.integers(len(sources)))]) as opened:
            return opened.convert("RGB")

    scene = _cover(pick(), size, float(rng.uniform(1.0, 1.6)))
    if rng.random() < 0.5:
        scene = ImageOps.mirror(scene)
    scene = scene.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 3.0))))
    if rng.random() < 0.6:
        _lay(scene, pick(), rng, float(rng.uniform(0.15, 0.3)), centre=False)
    _lay(scene, pick(), rng, float(rng.uniform(0.35, 0.7)), centre=True)
    scene = ImageEnhance.Brightness(scene).enhance(float(rng.uniform(0.7, 1.25)))
    scene = ImageEnhance.Contrast(scene).enhance(float(rng.uniform(0.8, 1.2)))
    tint = rng.normal(1.0, 0.06, 3).clip(0.85, 1.15)
    pixels = np.asarray(scene, dtype=np.float32) * tint
    scene = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=int(rng.integers(72, 93)))
    return out.getvalue()
