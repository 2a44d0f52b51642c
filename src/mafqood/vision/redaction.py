"""Masking what identifies a person in a photo of a document or card: its text (names,
numbers, dates), the machine-readable zone and the portrait.

Three detectors, each covering what another may miss, and every region they find painted
over with one flat colour (a blur could be partly undone; a flat fill cannot):

- tesseract's word boxes, English and Arabic (Debian's tesseract-ocr); a line holding a
  long run of digits (a card or identity number) is masked whole, gaps included;
- text-like strokes found by morphology (dark or light marks with strong horizontal
  gradients, closed into lines), which still finds the lines that a blurred, tilted or
  glared photo keeps tesseract from reading, and the machine-readable zone's band;
- skin-coloured blobs of a face's proportions (the portrait). The OpenCV pinned here (5.x)
  ships no Haar cascades, and no trained face model is installed offline, so faces are found
  by their colour in the YCrCb space, which on a document is the portrait (or the hand that
  holds it: masked too).

CPU-bound: vision workers call it from a thread. Nothing read is returned or logged, only
the masked image and how many regions of each kind were masked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw

from mafqood.vision.tesseract import pytesseract

TESSERACT_LANGUAGES = "eng+ara"
# Sparse text: cards have words scattered around a portrait, not paragraphs.
TESSERACT_CONFIG = "--psm 11"
# Long side of the copy the detectors read (a stored photo is at most 1920 px).
WORK_SIZE = 1600
# A line with this many digits holds an identifier (cards 16, Emirates ID 15, passports 8).
IDENTIFIER_DIGITS = 6
FILL = (128, 128, 128)


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int

    def padded(self, fraction: float, width: int, height: int) -> Box:
        pad = int(max(self.right - self.left, self.bottom - self.top) * fraction) + 2
        return Box(
            max(0, self.left - pad),
            max(0, self.top - pad),
            min(width, self.right + pad),
            min(height, self.bottom + pad),
        )

    def scaled(self, factor: float) -> Box:
        return Box(
            int(self.left * factor),
            int(self.top * factor),
            int(np.ceil(self.right * factor)),
            int(np.ceil(self.bottom * factor)),
        )


@dataclass(frozen=True)
class Redaction:
    image: Image.Image
    words: int = 0
    identifier_lines: int = 0
    text_regions: int = 0
    faces: int = 0
    boxes: tuple[Box, ...] = field(default=(), repr=False)


def redact(image: Image.Image) -> Redaction:
    """The photo with its text, identifiers and faces painted over."""
    rgb = image.convert("RGB")
    scale = min(1.0, WORK_SIZE / max(rgb.size))
    work = (
        rgb
        if scale == 1.0
        else rgb.resize(
            (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))),
            Image.Resampling.BILINEAR,
        )
    )
    pixels = np.asarray(work)
    gray = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    words, lines = _tesseract_boxes(gray)
    strokes = _text_like_regions(gray)
    faces = _skin_faces(pixels)
    height, width = gray.shape
    found = (
        [box.padded(0.08, width, height) for box in words]
        + [box.padded(0.04, width, height) for box in lines]
        + [box.padded(0.06, width, height) for box in strokes]
        + [box.padded(0.25, width, height) for box in faces]
    )
    boxes = tuple(box.scaled(1 / scale) for box in found)
    masked = rgb.copy()
    draw = ImageDraw.Draw(masked)
    for box in boxes:
        draw.rectangle((box.left, box.top, box.right, box.bottom), fill=FILL)
    return Redaction(
        image=masked,
        words=len(words),
        identifier_lines=len(lines),
        text_regions=len(strokes),
        faces=len(faces),
        boxes=boxes,
    )


def _tesseract_boxes(gray: np.ndarray) -> tuple[list[Box], list[Box]]:
    """(every word's box, the box of each line holding a long run of digits)."""
    data = pytesseract.image_to_data(
        gray,
        lang=TESSERACT_LANGUAGES,
        config=TESSERACT_CONFIG,
        output_type=pytesseract.Output.DICT,
    )
    words: list[Box] = []
    lines: dict[tuple[int, int, int], list[tuple[Box, int]]] = {}
    for index, text in enumerate(data["text"]):
        text = text.strip()
        if not text or not any(ch.isalnum() or ch == "<" for ch in text):
            continue
        box = Box(
            data["left"][index],
            data["top"][index],
            data["left"][index] + data["width"][index],
            data["top"][index] + data["height"][index],
        )
        words.append(box)
        key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        lines.setdefault(key, []).append((box, sum(ch.isdigit() for ch in text)))
    identifier_lines = []
    for members in lines.values():
        if sum(digits for _, digits in members) >= IDENTIFIER_DIGITS:
            identifier_lines.append(
                Box(
                    min(box.left for box, _ in members),
                    min(box.top for box, _ in members),
                    max(box.right for box, _ in members),
                    max(box.bottom for box, _ in members),
                )
            )
    return words, identifier_lines


def _text_like_regions(gray: np.ndarray) -> list[Box]:
    """Boxes of lines of printed characters: strong horizontal gradients on dark or light
    strokes, closed across the gaps between characters and words."""
    height, width = gray.shape
    unit = max(1, round(max(height, width) / 400))
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3 * unit, 3 * unit))
    dark = cv2.morphologyEx(blurred, cv2.MORPH_BLACKHAT, kernel)
    light = cv2.morphologyEx(blurred, cv2.MORPH_TOPHAT, kernel)
    strokes = cv2.max(dark, light)
    gradient = np.abs(cv2.Sobel(strokes, cv2.CV_32F, 1, 0, ksize=3))
    peak = float(gradient.max())
    if peak <= 0:
        return []
    gradient_u8 = (gradient * (255.0 / peak)).astype(np.uint8)
    _, binary = cv2.threshold(gradient_u8, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    joined = cv2.morphologyEx(
        binary,
        cv2.MORPH_CLOSE,
        cv2.getStructuringElement(cv2.MORPH_RECT, (9 * unit, 2 * unit + 1)),
    )
    joined = cv2.morphologyEx(
        joined, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * unit, 2 * unit))
    )
    # Printed lines are wider than tall, not taller than a heading, and mostly filled; a
    # table's edge or a card's outline is long and thin, or nearly empty.
    return _blobs(
        joined,
        lambda w, h, area: 2 * unit <= h <= height * 0.12 and w >= 2 * h and area >= 0.35 * w * h,
    )


def _blobs(mask: np.ndarray, keep: Callable[[int, int, int], bool]) -> list[Box]:
    """Boxes of the mask's connected blobs whose (width, height, area) `keep` accepts."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    boxes = []
    for index in range(1, count):
        x, y, w, h, area = (int(value) for value in stats[index])
        if keep(w, h, area):
            boxes.append(Box(x, y, x + w, y + h))
    return boxes


def _skin_faces(pixels: np.ndarray) -> list[Box]:
    """Boxes of skin-coloured blobs about a face's shape and size."""
    height, width = pixels.shape[:2]
    ycrcb = cv2.cvtColor(pixels, cv2.COLOR_RGB2YCrCb)
    skin = cv2.inRange(ycrcb, np.array([40, 135, 80]), np.array([245, 175, 125]))
    unit = max(1, round(max(height, width) / 200))
    skin = cv2.morphologyEx(
        skin, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (unit, unit))
    )
    skin = cv2.morphologyEx(
        skin, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3 * unit, 3 * unit))
    )
    return _blobs(
        skin,
        lambda w, h, area: (
            area >= 0.004 * height * width and 0.5 <= w / h <= 2.0 and area >= 0.4 * w * h
        ),
    )
