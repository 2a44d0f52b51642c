"""Do two verified photos have the same colours where the geometry has aligned them?

A product and its colour variant share their packaging design, so SIFT (colour-blind) and the
homography verify them as strongly as two photos of one item, often more strongly when both
were taken at the same angle. What differs is a band, a cap or a label of another colour,
usually without keypoints on it. So once a candidate is verified, the query's thumbnail is
mapped through the homography onto the candidate's, over the verified region (the inliers'
convex hull, enlarged to take in the untextured parts around them), and the chroma of the two
photos is compared pixel by pixel:
- the median a/b difference is removed first: a different white balance or lighting shifts
  every colour of the photo alike, a different band shifts only some;
- only colourful pixels count (either side's chroma above CHROMATIC): white, grey and black
  carry no variant's colour, and their a/b are mostly noise;
- the result is the share of those pixels whose colours disagree by more than TOLERANCE.
"""

from __future__ import annotations

import cv2
import numpy as np

from mafqood.vision.local_features import LocalFeatures

REGION_GROWTH = 1.5  # the inliers' hull, scaled about its centroid
CHROMATIC = 10.0  # Lab a/b distance from grey (128, 128) that counts as colourful
TOLERANCE = 20.0  # a/b distance, after removing the median shift, that counts as different
MIN_PIXELS = 10  # fewer comparable pixels than this: no colour evidence either way
_GREY = np.float32(128.0)


def colour_mismatch(
    query: LocalFeatures,
    candidate: LocalFeatures,
    homography: np.ndarray,
    query_inliers: np.ndarray,
) -> float:
    """Share in [0, 1] of the aligned colourful pixels whose colours disagree (0: unknown).

    homography maps the query's keypoint coordinates onto the candidate's; query_inliers are
    the query's points that it explains.
    """
    q_chroma, c_chroma = query.chroma, candidate.chroma
    if q_chroma.size == 0 or c_chroma.size == 0 or len(query_inliers) < 3:
        return 0.0
    q_height, q_width = q_chroma.shape[:2]
    c_height, c_width = c_chroma.shape[:2]
    to_thumb = q_width / query.width
    centroid = query_inliers.mean(axis=0)
    region = ((query_inliers - centroid) * REGION_GROWTH + centroid) * to_thumb
    hull = cv2.convexHull(region.astype(np.float32))
    mask = np.zeros((q_height, q_width), np.uint8)
    cv2.fillConvexPoly(mask, np.round(hull).astype(np.int32), 1)
    ys, xs = np.nonzero(mask)
    if len(xs) < MIN_PIXELS:
        return 0.0
    centres = (np.stack([xs, ys], axis=1).astype(np.float32) + 0.5) / to_thumb
    mapped = cv2.perspectiveTransform(centres[None], homography)[0] * (c_width / candidate.width)
    mapped -= 0.5  # back to pixel-centre coordinates of the candidate's thumbnail
    inside = (
        (mapped[:, 0] >= 0)
        & (mapped[:, 0] <= c_width - 1)
        & (mapped[:, 1] >= 0)
        & (mapped[:, 1] <= c_height - 1)
    )
    if int(inside.sum()) < MIN_PIXELS:
        return 0.0
    map_x = np.ascontiguousarray(mapped[inside, 0].reshape(1, -1))
    map_y = np.ascontiguousarray(mapped[inside, 1].reshape(1, -1))
    theirs = cv2.remap(c_chroma, map_x, map_y, cv2.INTER_LINEAR).reshape(-1, 2).astype(np.float32)
    ours = q_chroma[ys[inside], xs[inside]].astype(np.float32)
    difference = ours - theirs
    shift = np.median(difference, axis=0)
    residual = np.linalg.norm(difference - shift, axis=1)
    colourful = np.maximum(
        np.linalg.norm(ours - _GREY, axis=1), np.linalg.norm(theirs + shift - _GREY, axis=1)
    )
    compared = colourful > CHROMATIC
    if int(compared.sum()) < MIN_PIXELS:
        return 0.0
    return float((residual[compared] > TOLERANCE).mean())
