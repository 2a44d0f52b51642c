"""Turn an uploaded photo into what we store: checked by content, upright, without metadata,
resized, with thumbnails and a perceptual hash.

CPU-bound: call from a thread (see photos.service).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()
# Pixel counts are checked against our own limit before decoding (see _open).
warnings.simplefilter("ignore", Image.DecompressionBombWarning)

MAX_SIZE = (1920, 1080)
THUMB_SIZE = (400, 400)
SMALL_SIZE = (200, 200)
JPEG_QUALITY = 85
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_ORIENTATION_TAG = 0x0112


class PhotoError(Exception):
    """The upload is not a photo we can take; code is an i18n message code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ProcessedPhoto:
    image: Image.Image  # upright RGB, at stored size (the vision models read this)
    original: bytes  # JPEG, at most 1920x1080 (1080x1920 upright)
    thumbnail: bytes  # JPEG 400x400
    small: bytes  # JPEG 200x200
    perceptual_hash: str  # 64-bit difference hash, hex
    source_format: str


def sniff_format(head: bytes) -> str | None:
    """The Pillow format name the bytes really are, whatever the file name claims."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


def _oriented_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    try:
        orientation = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:
        orientation = 1
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _fit_box(width: int, height: int) -> tuple[int, int]:
    """The storage box in the photo's own orientation (portrait photos stay tall)."""
    return MAX_SIZE if width >= height else (MAX_SIZE[1], MAX_SIZE[0])


def _open(data: bytes, max_pixels: int) -> tuple[Image.Image, str]:
    source_format = sniff_format(data[:16])
    if source_format is None:
        raise PhotoError("unsupported_image")
    try:
        image = Image.open(io.BytesIO(data), formats=[source_format])
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoError("corrupt_image") from exc
    except Image.DecompressionBombError as exc:
        raise PhotoError("image_too_many_pixels") from exc
    width, height = image.size
    if width < 1 or height < 1:
        raise PhotoError("corrupt_image")
    if width * height > max_pixels:
        raise PhotoError("image_too_many_pixels")
    return image, source_format


def _decode(image: Image.Image, source_format: str) -> Image.Image:
    if source_format == "JPEG":
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result is still large enough:
        # most of the cost of a 12 MP photo is the full-size decode.
        width, height = _oriented_size(image)
        box = _fit_box(width, height)
        scale = min(box[0] / width, box[1] / height, 1.0)
        wanted = (int(width * scale), int(height * scale))
        if (width, height) != image.size:
            wanted = (wanted[1], wanted[0])
        image.draft("RGB", wanted)
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError as exc:
        raise PhotoError("image_too_many_pixels") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoError("corrupt_image") from exc
    return upright


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # A fresh save with no exif/icc arguments writes no metadata at all.
    image.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def difference_hash(image: Image.Image) -> str:
    """64-bit dHash: each bit says whether a pixel is brighter than its right neighbour."""
    small = image.convert("L").resize((9, 8), Image.Resampling.BILINEAR)
    pixels = small.tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            left, right = pixels[row * 9 + col], pixels[row * 9 + col + 1]
            bits = (bits << 1) | (1 if left > right else 0)
    return f"{bits:016x}"


def encode_files(image: Image.Image) -> tuple[bytes, bytes, bytes]:
    """The three stored files of an upright RGB image at stored size: the photo, its
    thumbnail and its small thumbnail (JPEG, no metadata)."""
    return (
        _jpeg(image),
        _jpeg(ImageOps.fit(image, THUMB_SIZE, Image.Resampling.BICUBIC)),
        _jpeg(ImageOps.fit(image, SMALL_SIZE, Image.Resampling.BICUBIC)),
    )


def process_photo(data: bytes, max_pixels: int) -> ProcessedPhoto:
    image, source_format = _open(data, max_pixels)
    upright = _to_rgb(_decode(image, source_format))
    upright.info.clear()
    upright.thumbnail(_fit_box(*upright.size), Image.Resampling.BICUBIC, reducing_gap=2.0)
    original, thumbnail, small = encode_files(upright)
    return ProcessedPhoto(
        image=upright,
        original=original,
        thumbnail=thumbnail,
        small=small,
        perceptual_hash=difference_hash(upright),
        source_format=source_format,
    )
