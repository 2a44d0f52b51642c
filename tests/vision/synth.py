"""Photographs made up for the tests: textured printed objects (cards, covers, labels) on
cluttered backgrounds, seen from another angle, distance and camera (JPEG)."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

WORDS = ["MAFQOOD", "LOST", "FOUND", "WALLET", "METRO", "AIRPORT", "DUBAI", "CARD", "GOLD", "BLUE"]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def make_object(seed: int, size: tuple[int, int] = (300, 200)) -> Image.Image:
    """A flat printed item (a card, a cover): shapes, stripes, text; unique per seed."""
    rng = np.random.default_rng(seed)
    base = tuple(int(v) for v in rng.integers(40, 220, 3))
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(14):
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        x0, y0 = int(rng.integers(0, width - 20)), int(rng.integers(0, height - 20))
        x1 = x0 + int(rng.integers(10, width // 2))
        y1 = y0 + int(rng.integers(10, height // 2))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour, outline=(0, 0, 0), width=2)
    for _ in range(5):
        word = " ".join(rng.choice(WORDS, 2))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        position = (int(rng.integers(0, width - 120)), int(rng.integers(0, height - 30)))
        draw.text(position, word, fill=colour, font=_font(int(rng.integers(16, 28))))
    draw.rectangle((0, 0, width - 1, height - 1), outline=(10, 10, 10), width=3)
    return image


def make_background(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A cluttered desk: wood-like stripes, papers, other small things."""
    rng = np.random.default_rng(10_000 + seed)
    width, height = size
    ys = np.linspace(0, 1, height)[:, None]
    xs = np.linspace(0, 1, width)[None, :]
    phase = rng.uniform(0, 6.28)
    grain = 0.5 + 0.5 * np.sin(40 * xs + 6 * np.sin(5 * ys + phase))
    tone = rng.uniform(0.5, 1.0, 3)
    array = (grain[..., None] * 60 + 120) * tone
    image = Image.fromarray(np.clip(array, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        draw.rectangle(
            (x0, y0, x0 + int(rng.integers(30, 160)), y0 + int(rng.integers(30, 120))), fill=colour
        )
        word = str(rng.choice(WORDS))
        draw.text(
            (int(rng.integers(0, width)), int(rng.integers(0, height))),
            word,
            fill=(20, 20, 20),
            font=_font(22),
        )
    return image


def photograph(
    item: Image.Image,
    background: Image.Image,
    *,
    angle: float = 0.0,
    scale: float = 1.0,
    tilt: float = 0.0,
    centre: tuple[float, float] = (0.5, 0.5),
    jpeg_quality: int = 80,
    brightness: float = 1.0,
) -> Image.Image:
    """Place the item on the background under a perspective view, then 'shoot' it."""
    bg = np.asarray(background, dtype=np.float32).copy()
    height, width = bg.shape[:2]
    iw, ih = item.size
    corners = np.array([[0, 0], [iw, 0], [iw, ih], [0, ih]], dtype=np.float32)
    cx, cy = centre[0] * width, centre[1] * height
    target = (corners - [iw / 2, ih / 2]) * scale
    # Tilt: the far edge shrinks, as when a phone looks down at an angle.
    target[:2, 0] *= 1 - tilt
    target[:2, 1] *= 1 - tilt / 2
    theta = np.deg2rad(angle)
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    target = (target @ rotation.T + [cx, cy]).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    warped = cv2.warpPerspective(np.asarray(item), matrix, (width, height), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((ih, iw), 255, np.uint8), matrix, (width, height))
    alpha = (mask.astype(np.float32) / 255)[..., None]
    shot = bg * (1 - alpha) + warped.astype(np.float32) * alpha
    shot = np.clip(shot * brightness, 0, 255).astype(np.uint8)
    image = Image.fromarray(shot, "RGB").filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=jpeg_quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")
