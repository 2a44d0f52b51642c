"""Same-instance verification: do the query's local features map onto a candidate's through
one plane-to-plane transform (a homography) or, for a solid object seen from another side,
through one rigid 3D view change (a fundamental matrix), with the same colours?

All candidates are matched in one matrix product (RootSIFT, Lowe's ratio test, one-to-one),
then RANSAC runs only where enough tentative matches survive. Evidence is weighted:
- by a centre prior in both photos (the item, not the desk around it);
- by colour agreement of each matched pair, after removing the photo-wide colour shift of
  the lighting (SIFT is colour-blind; variants of a product differ only in colour);
- by the "background penalty": a query keypoint that is an inlier for c candidates counts
  1/c, since what matches many different items is the venue's counter, not the item.
Verified candidates also get the colour mismatch of the aligned photos (aligned_colours.py).

A bag, a shoe or a toy turned by 45 degrees is not a plane: one homography explains one of its
faces at best, often too few points. So when the homography does not verify, a fundamental
matrix (epipolar geometry: any rigid object, any view change) is fitted to the same matches.
It is a weaker constraint, a point need only lie near a line rather than at a point, so random
matches fit it far more easily: it needs more inliers (MIN_EPIPOLAR_INLIERS) and a larger share
of the tentative matches (MIN_EPIPOLAR_RATIO), both chosen on the evaluation sets so that
pairs of different items almost never pass. Evidence.model says which model verified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from mafqood.vision.aligned_colours import colour_mismatch
from mafqood.vision.local_features import LocalFeatures, centre_weight_of_points

RATIO = 0.8  # Lowe's ratio test on descriptor distances
MIN_TENTATIVE = 8  # fewer tentative matches than this: not worth a RANSAC run
MIN_INLIERS = 8  # a geometric model with fewer inliers is noise
RANSAC_THRESHOLD = 0.01  # reprojection error, as a fraction of the candidate's long side
RANSAC_ITERATIONS = 1000
COLOUR_TOLERANCE = 12.0  # Lab a/b units, after removing the median shift
# Epipolar fallback. A fundamental matrix has 7 degrees of freedom, so any 7-9 matches fit it:
# among the evaluation sets' top-50 candidates that the homography rejects, different items
# fit it with a median of 8 inliers and 80% of their matches (99th percentile 12-13 inliers).
# At 16 inliers 4 of 3,366 such pairs of different items pass (COIL-100 3, UKBench 1, SMVS 0)
# and 20 of 1,164 pairs of one object; at 12 it would be 56 wrong for 140 right. The ratio
# floor guards photos with many tentative matches on a shared background. A threshold of 1%
# instead of 0.5% of the long side admits wrong and right pairs in the same proportion.
MIN_EPIPOLAR_INLIERS = 16
MIN_EPIPOLAR_RATIO = 0.5
EPIPOLAR_THRESHOLD = 0.005  # distance to the epipolar line, as a fraction of the long side
MAX_SCALE_CHANGE = 8.0  # homographies that shrink/grow area beyond this^2 are degenerate
# Candidates are matched in chunks so the similarity block stays small (16 M floats, 64 MB)
# whatever the keypoint budget and K.
MAX_BLOCK = 16_000_000


@dataclass(frozen=True)
class Evidence:
    tentative: int = 0  # one-to-one matches passing the ratio test
    inliers: int = 0  # consistent with the geometric model
    model: str = ""  # which model verified: "homography", "epipolar" or "" (none)
    colour_agreement: float = 0.0  # fraction of inliers whose colours agree
    weighted: float = 0.0  # inlier mass after centre, colour and background weighting
    colour_mismatch: float = 0.0  # share of aligned colourful pixels that disagree

    @property
    def verified(self) -> bool:
        if self.model == "epipolar":
            return self.inliers >= MIN_EPIPOLAR_INLIERS
        return self.inliers >= MIN_INLIERS


def root_sift(descriptors: np.ndarray) -> np.ndarray:
    """Hellinger kernel on SIFT (Arandjelovic & Zisserman 2012): L1-normalise, square root."""
    values = descriptors.astype(np.float32)
    values /= np.maximum(values.sum(axis=1, keepdims=True), 1e-6)
    result: np.ndarray = np.sqrt(values)
    return result


def _stack(candidates: Sequence[LocalFeatures | None]) -> tuple[np.ndarray, list[int]]:
    """(K, M, 128) zero-padded RootSIFT of all candidates; zero rows never win a match."""
    width = max((len(c) for c in candidates if c is not None), default=0)
    stacked = np.zeros((len(candidates), max(width, 2), 128), dtype=np.float32)
    counts = []
    for k, features in enumerate(candidates):
        n = len(features) if features is not None else 0
        if features is not None and n:
            stacked[k, :n] = root_sift(features.descriptors)
        counts.append(n)
    return stacked, counts


def _tentative(
    query_desc: np.ndarray, stacked: np.ndarray, counts: list[int]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per candidate: (query indices, candidate indices) of one-to-one ratio-test matches."""
    k_count, m_width, _ = stacked.shape
    sims = (query_desc @ stacked.reshape(-1, 128).T).reshape(len(query_desc), k_count, m_width)
    best = sims.argmax(axis=2)
    best_sim = np.take_along_axis(sims, best[:, :, None], axis=2)[:, :, 0]
    np.put_along_axis(sims, best[:, :, None], -1.0, axis=2)
    second_sim = sims.max(axis=2)
    # On unit vectors d^2 = 2 - 2s, so d1 < r * d2  <=>  2 - 2 s1 < r^2 (2 - 2 s2).
    passed = (2 - 2 * best_sim) < (RATIO * RATIO) * (2 - 2 * second_sim)
    result = []
    for k in range(k_count):
        q_idx = np.flatnonzero(passed[:, k] & (best[:, k] < counts[k]))
        if len(q_idx) < MIN_TENTATIVE or counts[k] < 2:
            result.append((q_idx[:0], q_idx[:0]))
            continue
        c_idx = best[q_idx, k]
        # One-to-one: where several query points chose one candidate point, keep the best.
        order = np.argsort(-best_sim[q_idx, k])
        _, first = np.unique(c_idx[order], return_index=True)
        keep = order[first]
        result.append((q_idx[keep], c_idx[keep]))
    return result


def _homography(
    src: np.ndarray, dst: np.ndarray, long_side: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """(homography, inlier mask) or None when no plausible model exists."""
    # USAC_FAST (OpenCV's LO-RANSAC with early rejection) gives the same models as plain
    # RANSAC here at a tenth of the cost on pairs with few inliers, which most pairs are.
    homography, mask = cv2.findHomography(
        src,
        dst,
        cv2.USAC_FAST,
        RANSAC_THRESHOLD * long_side,
        maxIters=RANSAC_ITERATIONS,
        confidence=0.995,
    )
    if homography is None or mask is None:
        return None
    det = float(np.linalg.det(homography[:2, :2])) / float(homography[2, 2] ** 2 or 1e-12)
    if not (1 / MAX_SCALE_CHANGE**2 <= abs(det) <= MAX_SCALE_CHANGE**2):
        return None
    inliers: np.ndarray = mask.ravel().astype(bool)
    return homography, inliers


def _epipolar(
    src: np.ndarray, dst: np.ndarray, long_side: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """(homography for colour alignment, inlier mask) when an epipolar model verifies."""
    if len(src) < MIN_EPIPOLAR_INLIERS:
        return None
    # USAC_ACCURATE (graph-cut RANSAC with local optimisation) finds the largest consensus
    # on few, noisy matches; USAC_MAGSAC asserts inside OpenCV 5 on some degenerate samples.
    try:
        fundamental, mask = cv2.findFundamentalMat(
            src,
            dst,
            cv2.USAC_ACCURATE,
            EPIPOLAR_THRESHOLD * long_side,
            0.995,
            RANSAC_ITERATIONS,
        )
    except cv2.error:  # a degenerate sample (collinear or repeated points): no model
        return None
    if fundamental is None or mask is None or fundamental.shape != (3, 3):
        return None
    inliers: np.ndarray = mask.ravel().astype(bool)
    count = int(inliers.sum())
    if count < MIN_EPIPOLAR_INLIERS or count < MIN_EPIPOLAR_RATIO * len(src):
        return None
    # The colour comparison needs a dense alignment; a least-squares homography through the
    # epipolar inliers is close enough for a turned object (the colour tolerance is wide).
    homography, _ = cv2.findHomography(src[inliers], dst[inliers], 0)
    if homography is None:
        homography = np.eye(3)
    return homography, inliers


def _colour_agreement(query_lab: np.ndarray, cand_lab: np.ndarray) -> np.ndarray:
    """Per matched pair: do a/b chroma agree once the photo-wide lighting shift is removed?"""
    diff = query_lab[:, 1:].astype(np.float32) - cand_lab[:, 1:].astype(np.float32)
    residual = np.linalg.norm(diff - np.median(diff, axis=0), axis=1)
    agree: np.ndarray = residual < COLOUR_TOLERANCE
    return agree


def verify(query: LocalFeatures, candidates: Sequence[LocalFeatures | None]) -> list[Evidence]:
    """Evidence for each candidate, in the candidates' order."""
    if len(query) < MIN_TENTATIVE or not candidates:
        return [Evidence() for _ in candidates]
    query_desc = root_sift(query.descriptors)
    query_weights = centre_weight_of_points(query.points, query.width, query.height)
    widest = max((len(c) for c in candidates if c is not None), default=2)
    chunk = max(1, MAX_BLOCK // (len(query) * max(widest, 2)))
    matches: list[tuple[np.ndarray, np.ndarray]] = []
    for first in range(0, len(candidates), chunk):
        stacked, counts = _stack(candidates[first : first + chunk])
        matches.extend(_tentative(query_desc, stacked, counts))
    found: dict[int, tuple[np.ndarray, np.ndarray, float, float, str]] = {}
    tentative_counts = []
    for k, (q_idx, c_idx) in enumerate(matches):
        tentative_counts.append(len(q_idx))
        features = candidates[k]
        if features is None or len(q_idx) < MIN_TENTATIVE:
            continue
        src, dst = query.points[q_idx], features.points[c_idx]
        long_side = max(features.width, features.height)
        model = _homography(src, dst, long_side)
        kind = "homography"
        if model is None or int(model[1].sum()) < MIN_INLIERS:
            model = _epipolar(src, dst, long_side)
            kind = "epipolar"
        if model is None:
            continue
        homography, inliers = model
        q_in, c_in = q_idx[inliers], c_idx[inliers]
        agree = _colour_agreement(query.colours[q_in], features.colours[c_in])
        weights = (
            query_weights[q_in]
            * centre_weight_of_points(features.points[c_in], features.width, features.height)
            * agree
        )
        mismatch = colour_mismatch(query, features, homography, query.points[q_in])
        found[k] = (q_in, weights, float(agree.mean()), mismatch, kind)
    # Background penalty: how many candidates each query point is an inlier for.
    shared = np.zeros(len(query), dtype=np.float32)
    for q_in, *_ in found.values():
        shared[q_in] += 1
    evidence = []
    for k in range(len(candidates)):
        if k not in found:
            evidence.append(Evidence(tentative=tentative_counts[k]))
            continue
        q_in, weights, agreement, mismatch, kind = found[k]
        evidence.append(
            Evidence(
                tentative=tentative_counts[k],
                inliers=len(q_in),
                model=kind,
                colour_agreement=agreement,
                weighted=float((weights / shared[q_in]).sum()),
                colour_mismatch=mismatch,
            )
        )
    return evidence
