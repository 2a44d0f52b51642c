"""Local features of one photo, for same-instance verification, and their compact bytes.

SIFT keypoints (with their uint8 descriptors, which are exact: OpenCV's SIFT values are
integers in 0..255) are computed once when a photo is analysed and stored with the item, so
verifying a query against its candidates reads bytes instead of re-decoding their photos.
Keypoints are chosen by contrast times a centre prior (see imaging.centre_weights): with a
fixed budget, the ones on the item beat the ones on the desk behind it. Each keypoint also
keeps the colour around it, and the photo keeps a small centre-weighted colour histogram and
a 64 px chroma thumbnail (for comparing colours once the geometry has aligned two photos),
because SIFT is colour-blind and product variants differ only in colour.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from mafqood.vision.imaging import ensure_rgb

FORMAT_MAGIC = b"MQLF"
# v2 added the chroma thumbnail; v1 is still read (without one) so that items analysed
# earlier keep verifying until `mafqood reindex` has renewed them.
FORMAT_VERSION = 2
_READABLE_VERSIONS = (1, 2)
_HEADER = struct.Struct("<4sBBHHH")  # magic, version, flags, count, width, height
VERSION_OFFSET = 4  # byte of the header that holds the version (read in SQL by reindex)
_CHROMA_HEADER = struct.Struct("<BB")  # width, height of the chroma thumbnail (v2)
_XY_SCALE = 8.0  # positions stored in 1/8 pixel as uint16
HIST_BINS = (4, 8, 8)  # L, a, b
HIST_SIZE = HIST_BINS[0] * HIST_BINS[1] * HIST_BINS[2]

LONG_SIDE = 512  # SIFT runs at this size (small photos are enlarged up to MAX_UPSCALE)
MAX_UPSCALE = 3.0
DETECT_LIMIT = 1000  # SIFT keeps this many by contrast before our own selection
CENTRE_SIGMA = 0.25
# Weight left at the edges: an item photographed off-centre must still be verifiable.
CENTRE_FLOOR = 0.2
COLOUR_BLUR_SIGMA = 3.0
HIST_LONG_SIDE = 128
CHROMA_LONG_SIDE = 64


@dataclass(frozen=True)
class LocalFeatures:
    width: int  # size of the image the points refer to
    height: int
    points: np.ndarray  # (n, 2) float32 x, y
    descriptors: np.ndarray  # (n, 128) uint8 SIFT
    colours: np.ndarray  # (n, 3) uint8 CIE Lab (OpenCV scaling) around each point
    colour_hist: np.ndarray  # (HIST_SIZE,) uint8, sqrt of a centre-weighted Lab histogram * 255
    # (h, w, 2) uint8 Lab a/b of the whole photo at CHROMA_LONG_SIDE; (0, 0, 2) when unknown
    chroma: np.ndarray

    def __len__(self) -> int:
        return int(self.points.shape[0])


def centre_weight_of_points(points: np.ndarray, width: int, height: int) -> np.ndarray:
    dx = points[:, 0] / width - 0.5
    dy = points[:, 1] / height - 0.5
    gauss = np.exp(-(dx * dx + dy * dy) / (2 * CENTRE_SIGMA * CENTRE_SIGMA))
    weights: np.ndarray = CENTRE_FLOOR + (1 - CENTRE_FLOOR) * gauss
    return weights.astype(np.float32)


def _resize_for_sift(rgb: np.ndarray, long_side: int) -> np.ndarray:
    height, width = rgb.shape[:2]
    scale = min(long_side / max(height, width), MAX_UPSCALE)
    if abs(scale - 1.0) < 1e-3:
        return rgb
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized: np.ndarray = cv2.resize(rgb, size, interpolation=interpolation)
    return resized


def colour_histogram(rgb: np.ndarray) -> np.ndarray:
    """Centre-weighted Lab histogram (Hellinger form, quantised to uint8)."""
    height, width = rgb.shape[:2]
    scale = HIST_LONG_SIDE / max(height, width)
    small = cv2.resize(
        rgb,
        (max(1, round(width * scale)), max(1, round(height * scale))),
        interpolation=cv2.INTER_AREA,
    )
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.int32)
    sh, sw = small.shape[:2]
    ys = (np.arange(sh, dtype=np.float32) + 0.5) / sh - 0.5
    xs = (np.arange(sw, dtype=np.float32) + 0.5) / sw - 0.5
    weights = np.exp(-(ys[:, None] ** 2 + xs[None, :] ** 2) / (2 * CENTRE_SIGMA**2)).ravel()
    bins_l, bins_a, bins_b = HIST_BINS
    index = ((lab[:, 0] * bins_l) >> 8) * bins_a * bins_b
    index += ((lab[:, 1] * bins_a) >> 8) * bins_b + ((lab[:, 2] * bins_b) >> 8)
    hist = np.bincount(index, weights=weights, minlength=HIST_SIZE)
    hist = np.sqrt(hist / max(hist.sum(), 1e-12))
    quantised: np.ndarray = np.round(hist * 255).astype(np.uint8)
    return quantised


def chroma_thumbnail(rgb: np.ndarray) -> np.ndarray:
    """The photo's Lab a/b channels at CHROMA_LONG_SIDE (area-averaged, so already smooth)."""
    height, width = rgb.shape[:2]
    scale = min(1.0, CHROMA_LONG_SIDE / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    chroma: np.ndarray = np.ascontiguousarray(cv2.cvtColor(small, cv2.COLOR_RGB2LAB)[:, :, 1:])
    return chroma


def extract(
    image: Image.Image, max_keypoints: int = 300, long_side: int = LONG_SIDE
) -> LocalFeatures:
    rgb = _resize_for_sift(np.asarray(ensure_rgb(image)), long_side)
    height, width = rgb.shape[:2]
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    # A detector per call: OpenCV feature objects are not documented as thread-safe.
    keypoints, descriptors = cv2.SIFT.create(nfeatures=DETECT_LIMIT).detectAndCompute(gray, None)
    hist = colour_histogram(rgb)
    chroma = chroma_thumbnail(rgb)
    if descriptors is None or not keypoints:
        return LocalFeatures(
            width,
            height,
            np.zeros((0, 2), np.float32),
            np.zeros((0, 128), np.uint8),
            np.zeros((0, 3), np.uint8),
            hist,
            chroma,
        )
    points = np.array([kp.pt for kp in keypoints], dtype=np.float32)
    response = np.array([kp.response for kp in keypoints], dtype=np.float32)
    order = np.argsort(-(response * centre_weight_of_points(points, width, height)))
    keep = order[:max_keypoints]
    points = points[keep]
    lab = cv2.cvtColor(cv2.GaussianBlur(rgb, (0, 0), COLOUR_BLUR_SIGMA), cv2.COLOR_RGB2LAB)
    xs = np.clip(np.round(points[:, 0]).astype(np.int64), 0, width - 1)
    ys = np.clip(np.round(points[:, 1]).astype(np.int64), 0, height - 1)
    return LocalFeatures(
        width,
        height,
        points,
        np.clip(descriptors[keep], 0, 255).astype(np.uint8),
        lab[ys, xs].astype(np.uint8),
        hist,
        chroma,
    )


def serialise(features: LocalFeatures) -> bytes:
    count = len(features)
    xy = np.clip(np.round(features.points * _XY_SCALE), 0, 65535).astype("<u2")
    chroma_h, chroma_w = features.chroma.shape[:2]
    return b"".join(
        (
            _HEADER.pack(FORMAT_MAGIC, FORMAT_VERSION, 0, count, features.width, features.height),
            features.colour_hist.astype(np.uint8).tobytes(),
            _CHROMA_HEADER.pack(chroma_w, chroma_h),
            features.chroma.astype(np.uint8).tobytes(),
            xy.tobytes(),
            features.colours.astype(np.uint8).tobytes(),
            features.descriptors.astype(np.uint8).tobytes(),
        )
    )


class FeatureFormatError(ValueError):
    pass


def upgrade(data: bytes | None) -> bytes | None:
    """Stored features in the current format, when their photo can no longer be analysed
    again: what the older format lacked stays empty; unreadable bytes are dropped."""
    if data is None:
        return None
    try:
        return serialise(deserialise(data))
    except FeatureFormatError:
        return None


def deserialise(data: bytes) -> LocalFeatures:
    """Parse serialise()'s bytes without copying the arrays."""
    if len(data) < _HEADER.size + HIST_SIZE:
        raise FeatureFormatError("local features: too short")
    magic, version, _flags, count, width, height = _HEADER.unpack_from(data, 0)
    if magic != FORMAT_MAGIC or version not in _READABLE_VERSIONS:
        raise FeatureFormatError(f"local features: unknown format {magic!r} v{version}")
    offset = _HEADER.size
    hist = np.frombuffer(data, np.uint8, HIST_SIZE, offset)
    offset += HIST_SIZE
    chroma_w = chroma_h = 0
    if version >= 2:
        if len(data) < offset + _CHROMA_HEADER.size:
            raise FeatureFormatError("local features: too short")
        chroma_w, chroma_h = _CHROMA_HEADER.unpack_from(data, offset)
        offset += _CHROMA_HEADER.size
    expected = offset + chroma_w * chroma_h * 2 + count * (4 + 3 + 128)
    if len(data) != expected:
        raise FeatureFormatError(f"local features: {len(data)} bytes, expected {expected}")
    chroma = np.frombuffer(data, np.uint8, chroma_w * chroma_h * 2, offset)
    offset += chroma.size
    xy = np.frombuffer(data, "<u2", count * 2, offset).reshape(count, 2)
    offset += count * 4
    colours = np.frombuffer(data, np.uint8, count * 3, offset).reshape(count, 3)
    offset += count * 3
    descriptors = np.frombuffer(data, np.uint8, count * 128, offset).reshape(count, 128)
    points = xy.astype(np.float32) / _XY_SCALE
    return LocalFeatures(
        width, height, points, descriptors, colours, hist, chroma.reshape(chroma_h, chroma_w, 2)
    )
