from __future__ import annotations

import struct

import numpy as np
import pytest
from PIL import Image

from mafqood.vision.local_features import (
    CHROMA_LONG_SIDE,
    FeatureFormatError,
    deserialise,
    extract,
    serialise,
)

from .synth import make_background, make_object, photograph


def test_round_trip_is_exact_and_compact() -> None:
    features = extract(photograph(make_object(3), make_background(3)), max_keypoints=300)
    assert 100 < len(features) <= 300
    data = serialise(features)
    assert max(features.chroma.shape[:2]) == CHROMA_LONG_SIDE
    # about 136 bytes per keypoint, plus the 64 px chroma thumbnail
    assert len(data) < 300 * 136 + 300 + CHROMA_LONG_SIDE**2 * 2
    back = deserialise(data)
    assert (back.width, back.height) == (features.width, features.height)
    np.testing.assert_allclose(back.points, features.points, atol=1 / 16)
    assert np.array_equal(back.descriptors, features.descriptors)
    assert np.array_equal(back.colours, features.colours)
    assert np.array_equal(back.colour_hist, features.colour_hist)
    assert np.array_equal(back.chroma, features.chroma)
    assert serialise(back) == data


def test_features_stored_before_the_chroma_thumbnail_are_still_read() -> None:
    features = extract(photograph(make_object(6), make_background(6)))
    data = serialise(features)
    header = struct.Struct("<4sBBHHH")
    magic, _, flags, count, width, height = header.unpack_from(data)
    chroma_end = header.size + len(features.colour_hist) + 2 + features.chroma.size
    version_1 = b"".join(
        (
            header.pack(magic, 1, flags, count, width, height),
            data[header.size : header.size + len(features.colour_hist)],
            data[chroma_end:],
        )
    )
    back = deserialise(version_1)
    assert back.chroma.shape == (0, 0, 2)
    assert np.array_equal(back.descriptors, features.descriptors)


def test_blank_and_tiny_images_have_no_keypoints_but_serialise() -> None:
    for image in (Image.new("RGB", (320, 240), (90, 90, 90)), Image.new("RGB", (3, 2))):
        features = extract(image)
        assert len(features) == 0
        assert len(deserialise(serialise(features))) == 0


def test_keypoints_prefer_the_centre() -> None:
    features = extract(photograph(make_object(4), make_background(4), scale=0.8))
    centre = np.array([features.width / 2, features.height / 2])
    distance = np.linalg.norm(features.points - centre, axis=1)
    assert np.median(distance) < 0.3 * max(features.width, features.height)


@pytest.mark.parametrize(
    "data",
    [b"", b"MQLF", b"XXXX" + bytes(400), None],
)
def test_corrupt_bytes_are_refused(data: bytes | None) -> None:
    if data is None:  # a valid header with a truncated body
        data = serialise(extract(photograph(make_object(5), make_background(5))))[:-10]
    with pytest.raises(FeatureFormatError):
        deserialise(data)
