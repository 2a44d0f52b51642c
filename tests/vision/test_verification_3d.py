"""Verification of solid objects: a box seen from two sides is not one plane.

The box is rendered with a pinhole camera: each visible face is a textured plane mapped into
the photo by its own homography, so the two photos agree on epipolar geometry only.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from mafqood.vision import verification
from mafqood.vision.local_features import LocalFeatures, extract
from mafqood.vision.verification import verify
from tests.vision.synth import make_background, make_object, photograph

FACE = 240  # texture side, pixels
# Unit box corners of the two faces the camera sees: the front (z = 0) and the right (x = 1).
FRONT = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], np.float64)
RIGHT = np.array([[1, 0, 0], [1, 0, 1], [1, 1, 1], [1, 1, 0]], np.float64)
TEXTURE = np.array([[0, 0], [FACE, 0], [FACE, FACE], [0, FACE]], np.float32)


def _project(points: np.ndarray, yaw_deg: float) -> np.ndarray:
    """Pinhole projection of box points, the box turned by yaw about its vertical axis."""
    yaw = np.deg2rad(yaw_deg)
    rotation = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    centred = (points - [0.5, 0.5, 0.5]) @ rotation.T + [0, 0, 3.2]
    focal, centre = 520.0, np.array([320.0, 240.0])
    projected: np.ndarray = (centred[:, :2] / centred[:, 2:] * focal + centre).astype(np.float32)
    return projected


def _box_photo(seeds: tuple[int, int], yaw_deg: float, background: int) -> Image.Image:
    canvas = np.asarray(make_background(background), np.float32).copy()
    for corners, seed in ((FRONT, seeds[0]), (RIGHT, seeds[1])):
        texture = np.asarray(make_object(seed, (FACE, FACE)))
        target = _project(corners, yaw_deg)
        matrix = cv2.getPerspectiveTransform(TEXTURE, target)
        warped = cv2.warpPerspective(texture, matrix, (640, 480))
        mask = cv2.warpPerspective(np.full((FACE, FACE), 255, np.uint8), matrix, (640, 480))
        # Back faces are not drawn: a face seen edge-on or from behind has a negative area.
        if cv2.contourArea(target) <= 0:
            continue
        alpha = (mask.astype(np.float32) / 255)[..., None]
        canvas = canvas * (1 - alpha) + warped.astype(np.float32) * alpha
    return Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8), "RGB")


def _features(image: Image.Image) -> LocalFeatures:
    return extract(image, 1024, 640)


@pytest.fixture(scope="module")
def box_views() -> tuple[LocalFeatures, LocalFeatures, LocalFeatures]:
    """The box from one side, the same box turned by 50 degrees, and another box."""
    query = _features(_box_photo((11, 12), -30.0, 1))
    turned = _features(_box_photo((11, 12), 20.0, 2))
    other = _features(_box_photo((21, 22), 20.0, 2))
    return query, turned, other


def test_turned_box_verifies_by_epipolar_geometry_where_one_homography_does_not(
    box_views: tuple[LocalFeatures, LocalFeatures, LocalFeatures],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    query, turned, other = box_views
    # A homography explains one face at most; held to more points than that, it cannot
    # verify the box, and the epipolar model, which explains both faces, must.
    one_face = verify(query, [turned])[0]
    assert one_face.model == "homography"
    monkeypatch.setattr(verification, "MIN_INLIERS", one_face.inliers * 2)
    both_faces = verify(query, [turned])[0]
    assert both_faces.model == "epipolar"
    assert both_faces.verified
    assert both_faces.inliers > one_face.inliers
    # Another box (other textures) explains fewer points than the turned box.
    assert verify(query, [other])[0].inliers < both_faces.inliers


def test_flat_item_still_verifies_by_homography() -> None:
    item = make_object(5)
    query = _features(photograph(item, make_background(1), angle=10, tilt=0.2))
    candidate = _features(photograph(item, make_background(2), angle=-15, scale=0.9))
    evidence = verify(query, [candidate])[0]
    assert evidence.verified
    assert evidence.model == "homography"
