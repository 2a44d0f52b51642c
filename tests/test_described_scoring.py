"""The confidence rule of a pair whose lost report has no photo, and the colour names read from
a photo's histogram."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from mafqood.matching.scoring import Described, Side, score, score_described
from mafqood.vision.colour_names import photo_colours
from mafqood.vision.local_features import colour_histogram

WHEN = datetime(2026, 1, 3, 14, 0, tzinfo=UTC)


def _described(
    category: str = "wallet", colour: str | None = "black", **extra: object
) -> Described:
    side = Side(category, colour, 25.1972, 55.2744, WHEN)
    fields: dict[str, object] = {"brand": None, "words": "Black leather wallet", **extra}
    return Described(side=side, **fields)  # type: ignore[arg-type]


def test_a_perfect_description_is_medium_never_high() -> None:
    lost = _described(brand="Gucci", words="Black Gucci leather wallet")
    found = _described(
        brand="Gucci", photo_labels=("wallet",), photo_colours=("black",), ai_category="wallet"
    )
    similarity, confidence, features = score_described(lost, found, 1.0, 1.0)
    assert similarity > 0.9 and confidence == "medium"
    assert features["scored_by"] == "description" and features["visual_similarity"] is None
    assert features["category_match"] and features["color_match"] and features["brand_match"]
    # The photo rule gives "high" for the same agreement with certain photos.
    _, photo_confidence, photo_features = score(lost.side, found.side, 1.0, 1.0, 1.0, certain=True)
    assert photo_confidence == "high" and photo_features["scored_by"] == "photos"


@pytest.mark.parametrize(
    ("text_cosine", "found_category", "expected"),
    [
        (0.95, "wallet", "medium"),
        (0.45, "wallet", "low"),  # the texts do not agree enough
        (0.95, "phone", "low"),  # the categories disagree
        (None, "wallet", "low"),  # nothing to compare the text with
    ],
)
def test_medium_needs_agreeing_texts_and_categories(
    text_cosine: float | None, found_category: str, expected: str
) -> None:
    lost = _described()
    found = _described(category=found_category)
    _, confidence, _ = score_described(lost, found, text_cosine, 0.8)
    assert confidence == expected


def test_colour_from_the_words_and_from_the_photo() -> None:
    lost = _described(colour=None, words="محفظة جلد سوداء")
    grey_photo = _described(colour=None, words="Wallet", photo_colours=("grey", "silver"))
    black_photo = _described(colour=None, words="Wallet", photo_colours=("black",))
    assert score_described(lost, black_photo, 0.8, None)[2]["color_match"] is True
    assert score_described(lost, grey_photo, 0.8, None)[2]["color_match"] is False
    far = Described(
        side=Side("wallet", None, 24.4, 54.6, WHEN + timedelta(days=20)), brand=None, words="Wallet"
    )
    near_score = score_described(lost, black_photo, 0.8, None)[0]
    assert score_described(lost, far, 0.8, None)[0] < near_score


@pytest.mark.parametrize(
    ("rgb", "name"),
    [
        ((10, 10, 10), "black"),
        ((250, 250, 250), "white"),
        ((200, 30, 30), "red"),
        ((30, 60, 200), "blue"),
        ((40, 160, 60), "green"),
        ((240, 220, 40), "yellow"),
        ((230, 150, 190), "pink"),
    ],
)
def test_named_colours_of_a_photo(rgb: tuple[int, int, int], name: str) -> None:
    photo = np.zeros((60, 80, 3), np.uint8)
    photo[:] = rgb
    assert name in photo_colours(colour_histogram(photo))
