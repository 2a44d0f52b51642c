"""The colours a photo shows, named as people write them, from its stored colour histogram.

A lost report without a photo says "a black wallet"; the found report's photo has no words,
but its centre-weighted Lab histogram (local_features.colour_histogram) tells which named
colours its middle holds. The histogram is coarse (4 x 8 x 8 bins), so names are coarse too:
the neutral bins give black, grey and white, the others a family of hues by the bin's centre.
"""

from __future__ import annotations

import math

import numpy as np

from mafqood.vision.local_features import HIST_BINS

# A name must cover this share of the (centre-weighted) photo to count as one of its colours.
MIN_SHARE = 0.15


def _bin_names(level: int, a_bin: int, b_bin: int) -> tuple[str, ...]:
    """The names a bin's colours go by. A bin spans a wide range (a brown and a dark grey
    share one), so it answers to each name its range holds rather than to one guess."""
    bins_l, bins_a, bins_b = HIST_BINS
    a = (a_bin + 0.5) * 256.0 / bins_a - 128.0
    b = (b_bin + 0.5) * 256.0 / bins_b - 128.0
    if math.hypot(a, b) < 30:  # the four bins around grey
        return (
            ("black",),
            ("black", "grey", "brown"),
            ("grey", "silver", "beige", "brown"),
            ("white", "silver", "beige"),
        )[level]
    dark, light = level == 0, level == bins_l - 1
    hue = math.degrees(math.atan2(b, a)) % 360
    if hue < 30 or hue >= 330:
        return ("pink", "purple") if light else ("red", "pink", "purple", "brown")
    if hue < 60:
        return ("brown", "red") if dark else ("orange", "brown", "red", "pink", "gold")
    if hue < 115:
        return ("brown", "gold") if dark else ("yellow", "gold", "orange", "beige")
    if hue < 225:
        return ("green",)
    if hue < 295:
        return ("blue", "black") if dark else ("blue", "purple")
    return ("pink", "purple") if light else ("purple", "blue", "pink")


_NAMES = [
    _bin_names(level, a_bin, b_bin)
    for level in range(HIST_BINS[0])
    for a_bin in range(HIST_BINS[1])
    for b_bin in range(HIST_BINS[2])
]


def colour_shares(hist: np.ndarray) -> dict[str, float]:
    """Share of the photo's (centre-weighted) pixels that a colour name may describe, largest
    first (one pixel counts for every name of its bin)."""
    stored = hist.astype(np.float64)
    mass = stored * stored  # the histogram is kept as square roots
    total = float(mass.sum())
    if total <= 0:
        return {}
    shares: dict[str, float] = {}
    for names, value in zip(_NAMES, mass, strict=True):
        if value > 0:
            for name in names:
                shares[name] = shares.get(name, 0.0) + float(value) / total
    return dict(sorted(shares.items(), key=lambda entry: entry[1], reverse=True))


def photo_colours(hist: np.ndarray) -> list[str]:
    """The named colours covering at least MIN_SHARE of the photo, largest first."""
    return [name for name, share in colour_shares(hist).items() if share >= MIN_SHARE]
