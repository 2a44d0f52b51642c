"""The picture shown in place of a photo that may not be shown yet (a document's, before its
masked copy exists): a grey card outline, stored like any photo (three files) so that its
URLs are built the same way, whichever the storage."""

from __future__ import annotations

import contextlib

import structlog
from PIL import Image, ImageDraw

from mafqood.photos.processing import encode_files
from mafqood.photos.service import photo_keys
from mafqood.storage import Storage, StorageError

log = structlog.get_logger(__name__)

WITHHELD_KEY = "placeholders/photo_withheld"
SIZE = 800


def placeholder_image() -> Image.Image:
    image = Image.new("RGB", (SIZE, SIZE), (214, 217, 222))
    draw = ImageDraw.Draw(image)
    line = SIZE // 80
    left, top, right, bottom = SIZE * 0.18, SIZE * 0.3, SIZE * 0.82, SIZE * 0.7
    draw.rounded_rectangle(
        (left, top, right, bottom), radius=SIZE // 25, outline=(150, 155, 162), width=line
    )
    for row in range(3):
        y = top + (bottom - top) * (0.3 + 0.2 * row)
        draw.line((left + SIZE * 0.08, y, right - SIZE * 0.08, y), fill=(170, 174, 180), width=line)
    return image


async def ensure_placeholder(storage: Storage) -> None:
    """Store the placeholder's files unless they are there (start-up of an API process; a
    storage that fails now is tried again at the next start)."""
    keys = photo_keys(WITHHELD_KEY)
    with contextlib.suppress(StorageError):
        if await storage.exists(keys[-1]):
            return
    try:
        for key, data in zip(keys, encode_files(placeholder_image()), strict=True):
            await storage.put(key, data, "image/jpeg")
    except StorageError as exc:
        log.warning("placeholder_not_stored", error=str(exc))
