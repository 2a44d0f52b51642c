from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mafqood.matching import scoring

WHEN = datetime(2026, 1, 3, 14, 30, tzinfo=UTC)


def side(**changes: object) -> scoring.Side:
    values: dict[str, object] = {
        "category": "phone",
        "color": "black",
        "latitude": 25.1972,
        "longitude": 55.2744,
        "date_time": WHEN,
    }
    values.update(changes)
    return scoring.Side(**values)  # type: ignore[arg-type]


def test_same_object_same_place_is_high() -> None:
    similarity, confidence, features = scoring.score(
        side(), side(date_time=WHEN + timedelta(hours=1)), 0.95, 0.8, 0.999, certain=True
    )
    assert similarity >= 0.8 and confidence == "high"
    assert features["visual_similarity"] == 0.95
    assert features["category_match"] and features["color_match"] and features["location_nearby"]
    assert features["time_proximity"] == "1 hour"


def test_metadata_alone_never_makes_high() -> None:
    similarity, confidence, _ = scoring.score(side(), side(), 0.6, 1.0, 0.2, certain=False)
    assert confidence != "high"
    assert similarity < 0.9


def test_place_and_time_can_veto_high() -> None:
    _, confidence, _ = scoring.score(
        side(category="bag"),
        side(latitude=24.43, longitude=54.65, date_time=WHEN + timedelta(days=30)),
        0.4,
        None,
        0.999,
        certain=True,
    )
    assert confidence != "high"


def test_colour_names_in_arabic_and_english_agree() -> None:
    _, _, features = scoring.score(
        side(color="أسود"), side(color="Black"), 0.9, None, 0.5, certain=False
    )
    assert features["color_match"] is True
    _, _, features = scoring.score(
        side(color="red"), side(color="black"), 0.9, None, 0.5, certain=False
    )
    assert features["color_match"] is False


def test_far_apart_and_weeks_apart_score_lower() -> None:
    near, _, _ = scoring.score(side(), side(), 0.7, None, 0.5, certain=False)
    far, _, features = scoring.score(
        side(),
        side(latitude=24.43, longitude=54.65, date_time=WHEN + timedelta(days=20)),
        0.7,
        None,
        0.5,
        certain=False,
    )
    assert far < near
    assert features["location_nearby"] is False and features["distance_km"] > 90
    assert features["time_proximity"] == "20 days"


def test_unknown_location_is_neutral() -> None:
    with_unknown, _, features = scoring.score(
        side(latitude=None, longitude=None), side(), 0.8, None, 0.5, certain=False
    )
    assert features["distance_km"] is None and features["location_nearby"] is False
    assert 0 < with_unknown < 1


def test_haversine() -> None:
    # Dubai Mall to Abu Dhabi International Airport, about 110 km.
    assert scoring.haversine_km(25.1972, 55.2744, 24.4330, 54.6511) == pytest.approx(106, abs=6)


def test_only_plausible_pairs_are_shown() -> None:
    assert not scoring.worth_showing(0.45, 0.9, None)
    assert not scoring.worth_showing(0.6, 0.2, None)
    assert scoring.worth_showing(0.6, 0.2, 0.7)
    assert scoring.worth_showing(0.6, 0.5, None)
