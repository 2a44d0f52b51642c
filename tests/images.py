"""Photos made in the tests: textured so that every seed gives a different picture."""

from __future__ import annotations

import io
import random

import pillow_heif
from PIL import Image, ImageDraw

pillow_heif.register_heif_opener()

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def picture(seed: int = 0, size: tuple[int, int] = (640, 480), mode: str = "RGB") -> Image.Image:
    rng = random.Random(seed)
    image = Image.new(mode, size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(40):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(width // 2 + 1), y0 + rng.randrange(height // 2 + 1)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if mode == "RGBA":
            colour = (*colour, 255)
        shape = rng.choice([draw.rectangle, draw.ellipse])
        shape([x0, y0, x1, y1], fill=colour)
    return image


def encode(image: Image.Image, format: str = "JPEG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()


def jpeg(seed: int = 0, size: tuple[int, int] = (640, 480), quality: int = 85) -> bytes:
    return encode(picture(seed, size), "JPEG", quality=quality)


def jpeg_with_gps(seed: int = 0, orientation: int = 1, size: tuple[int, int] = (640, 480)) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (25.0, 11.0, 50.0)
    gps[3] = "E"
    gps[4] = (55.0, 16.0, 28.0)
    return encode(picture(seed, size), "JPEG", exif=exif, quality=90)


def png_with_transparency(seed: int = 0) -> bytes:
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    image.paste(picture(seed, (150, 100), "RGBA"), (75, 50))
    return encode(image, "PNG")


def webp(seed: int = 0) -> bytes:
    return encode(picture(seed), "WEBP", quality=80)


def heic(seed: int = 0) -> bytes:
    return encode(picture(seed), "HEIF", quality=80)
