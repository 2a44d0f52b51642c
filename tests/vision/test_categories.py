from __future__ import annotations

import numpy as np
import pytest

from mafqood.vision import categories as cat


def _probs(**by_index: float) -> np.ndarray:
    """An ImageNet distribution with the given mass on given classes, the rest spread out."""
    probs = np.zeros(1000, dtype=np.float32)
    rest = 1.0 - sum(by_index.values())
    probs[:] = rest / 1000
    for key, value in by_index.items():
        probs[int(key.removeprefix("c"))] += value
    return probs


def test_phone_photo_suggests_phone_and_contradicts_wallet() -> None:
    probabilities = cat.category_probabilities(_probs(c487=0.85))
    guess = cat.guess_category(probabilities)
    assert guess.suggested == "phone"
    assert guess.confidence == pytest.approx(0.85, abs=0.01)
    assert abs(sum(probabilities.values()) - 1) < 1e-5
    assert cat.contradicts("wallet", probabilities)
    assert not cat.contradicts("phone", probabilities)
    # "other" is a catch-all: choosing it never contradicts a photo.
    assert not cat.contradicts("other", probabilities)


def test_categories_add_up_over_classes() -> None:
    # purse + backpack: each alone is unsure, together they are a bag.
    probabilities = cat.category_probabilities(_probs(c748=0.3, c414=0.3))
    assert cat.guess_category(probabilities).suggested == "bag"


def test_unsure_photo_suggests_nothing_and_contradicts_nothing() -> None:
    probabilities = cat.category_probabilities(_probs(c893=0.3, c487=0.25))
    assert cat.guess_category(probabilities).suggested is None
    for chosen in cat.CATEGORIES:
        assert not cat.contradicts(chosen, probabilities)


def test_unrecognised_photo_is_other_and_never_suggested() -> None:
    probabilities = cat.category_probabilities(_probs(c1=0.9))  # a goldfish
    assert probabilities["other"] > 0.9
    assert cat.guess_category(probabilities).suggested is None
    assert not cat.contradicts("keys", probabilities)


def test_chosen_category_with_some_support_is_not_contradicted() -> None:
    # 70% wallet, but 20% phone: a phone in a wallet case is plausible.
    probabilities = cat.category_probabilities(_probs(c893=0.7, c487=0.2))
    assert not cat.contradicts("phone", probabilities)
    assert cat.contradicts("jewelry", probabilities)


def test_detected_objects_carry_class_category_and_no_box() -> None:
    objects = cat.imagenet_objects(_probs(c893=0.6, c748=0.2))
    assert [o.label for o in objects] == ["wallet", "purse"]
    assert [o.category for o in objects] == ["wallet", "bag"]
    as_json = objects[0].as_json()
    assert as_json["class"] == "wallet"
    assert as_json["bbox"] is None
    assert as_json["confidence"] == pytest.approx(0.6, abs=0.01)


def test_every_mapped_class_has_a_known_category() -> None:
    assert all(category in cat.CATEGORIES for _, category in cat.IMAGENET_CLASSES.values())
    assert all(category in cat.CATEGORIES for category in cat.COCO_CATEGORIES.values())
    assert len(cat.COCO_NAMES) == 80
    assert set(cat.COCO_CATEGORIES) <= set(cat.COCO_NAMES)


def test_confident_detection_outvotes_the_classifier() -> None:
    probabilities = cat.category_probabilities(_probs(c1=0.9))
    phone = cat.DetectedObject("cell phone", 0.8, "phone", (1, 2, 3, 4), "yolov8")
    merged = cat.merge_detections(probabilities, [phone])
    assert cat.guess_category(merged).suggested == "phone"
    person = cat.DetectedObject("person", 0.9, "other", (1, 2, 3, 4), "yolov8")
    assert cat.merge_detections(probabilities, [person]) == pytest.approx(probabilities)
