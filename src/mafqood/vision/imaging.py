"""Image helpers shared by the models: decoding for the evaluation, resizing, normalising."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

# Network inputs are multiples of 32 (EfficientNet's total stride), which also keeps the
# exported graph's static "same" padding exact.
STRIDE = 32


def load_image(path: Path) -> Image.Image:
    """Open a photo file upright in RGB (the API hands over already-decoded images)."""
    with Image.open(path) as image:
        upright = ImageOps.exif_transpose(image)
        return upright.convert("RGB")


def ensure_rgb(image: Image.Image) -> Image.Image:
    return image if image.mode == "RGB" else image.convert("RGB")


def fit_long_side(image: Image.Image, long_side: int, *, multiple: int = 1) -> Image.Image:
    """Resize so the longer side is long_side (up or down), sides rounded to `multiple`."""
    width, height = image.size
    scale = long_side / max(width, height)
    new_w = max(multiple, round(width * scale / multiple) * multiple)
    new_h = max(multiple, round(height * scale / multiple) * multiple)
    if (new_w, new_h) == (width, height):
        return image
    return image.resize((new_w, new_h), Image.Resampling.BILINEAR)


def centre_crop(image: Image.Image, share: float) -> Image.Image:
    """The central `share` of the photo's width and height."""
    width, height = image.size
    left, top = round(width * (1 - share) / 2), round(height * (1 - share) / 2)
    return image.crop((left, top, max(left + 1, width - left), max(top + 1, height - top)))


def to_nchw(
    image: Image.Image, mean: float | tuple[float, ...], std: float | tuple[float, ...]
) -> np.ndarray:
    pixels = np.asarray(image, dtype=np.float32)
    scaled = (pixels - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(scaled.transpose(2, 0, 1)[None])


def l2_normalise(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    out = vector / norm if norm > 0 else vector
    return out.astype(np.float32, copy=False)


def centre_weights(height: int, width: int, sigma: float) -> np.ndarray:
    """Gaussian weights over a grid, in units of the image's own width and height.

    Lost and found photos are taken of one item, which the photographer centres; the
    background (desk, counter, floor) sits at the edges and is what unrelated photos share.
    """
    ys = (np.arange(height, dtype=np.float32) + 0.5) / height - 0.5
    xs = (np.arange(width, dtype=np.float32) + 0.5) / width - 0.5
    weights: np.ndarray = np.exp(-(ys[:, None] ** 2 + xs[None, :] ** 2) / (2 * sigma * sigma))
    return weights
