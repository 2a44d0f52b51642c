"""Made-up photos with a real photo's density of detail (noise, edges, gradients), so JPEG
sizes and SIFT's work are realistic; a flat colour would make every stage look cheap."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def textured_jpeg(seed: int, size: tuple[int, int], quality: int = 92) -> bytes:
    rng = np.random.default_rng(seed)
    width, height = size
    noise = rng.integers(0, 256, size=(height // 4, width // 4, 3), dtype=np.uint8)
    image = Image.fromarray(noise).resize((width, height), Image.Resampling.BICUBIC)
    image = image.filter(ImageFilter.GaussianBlur(1.5))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = int(rng.integers(0, width * 0.95)), int(rng.integers(0, height * 0.93))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.rectangle(
            [x, y, x + int(rng.integers(50, width // 4)), y + int(rng.integers(50, height // 5))],
            outline=colour,
            width=max(2, width // 500),
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
