"""Model classes mapped to Mafqood categories: detected objects, a suggested category, and
whether the category a user chose contradicts the photo.

ImageNet has no class for keys or identity cards and splits wallets from purses, so the
mapping is deliberately conservative: a suggestion is made only when the probability of
one category is high, and a contradiction only when the photo is confidently something
else and gives the chosen category almost no probability.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from mafqood.items.vocabulary import CATEGORIES  # the product's one list of categories

# ImageNet-1k index -> (class name, Mafqood category). Classes not listed count as "other".
IMAGENET_CLASSES: dict[int, tuple[str, str]] = {
    487: ("cellular telephone", "phone"),
    528: ("dial telephone", "phone"),
    590: ("hand-held computer", "phone"),
    893: ("wallet", "wallet"),
    414: ("backpack", "bag"),
    748: ("purse", "bag"),
    636: ("mailbag", "bag"),
    728: ("plastic bag", "bag"),
    797: ("sleeping bag", "bag"),
    679: ("necklace", "jewelry"),
    488: ("chain", "jewelry"),
    584: ("hair slide", "jewelry"),
    409: ("analog clock", "jewelry"),  # wrist watches photographed close up
    826: ("stopwatch", "jewelry"),
    635: ("magnetic compass", "jewelry"),
    620: ("laptop", "electronics"),
    681: ("notebook computer", "electronics"),
    605: ("iPod", "electronics"),
    531: ("digital watch", "electronics"),
    508: ("computer keyboard", "electronics"),
    878: ("typewriter keyboard", "electronics"),
    810: ("space bar", "electronics"),
    673: ("computer mouse", "electronics"),
    761: ("remote control", "electronics"),
    759: ("reflex camera", "electronics"),
    732: ("Polaroid camera", "electronics"),
    622: ("lens cap", "electronics"),
    482: ("cassette player", "electronics"),
    485: ("CD player", "electronics"),
    848: ("tape player", "electronics"),
    754: ("radio", "electronics"),
    632: ("loudspeaker", "electronics"),
    664: ("monitor", "electronics"),
    782: ("screen", "electronics"),
    851: ("television", "electronics"),
    527: ("desktop computer", "electronics"),
    592: ("hard disc", "electronics"),
    662: ("modem", "electronics"),
    613: ("joystick", "electronics"),
    745: ("projector", "electronics"),
    447: ("binoculars", "electronics"),
    695: ("padlock", "keys"),
    507: ("combination lock", "keys"),
    549: ("envelope", "documents"),
    446: ("binder", "documents"),
    921: ("book jacket", "documents"),
    917: ("comic book", "documents"),
    922: ("menu", "documents"),
    918: ("crossword puzzle", "documents"),
    916: ("web site", "documents"),
    879: ("umbrella", "other"),
    836: ("sunglass", "other"),
    837: ("sunglasses", "other"),
    898: ("water bottle", "other"),
    770: ("running shoe", "other"),
    515: ("cowboy hat", "other"),
    808: ("sombrero", "other"),
    869: ("trench coat", "other"),
    474: ("cardigan", "other"),
    841: ("sweatshirt", "other"),
    610: ("jersey", "other"),
    626: ("lighter", "other"),
    418: ("ballpoint pen", "other"),
    563: ("fountain pen", "other"),
    850: ("teddy bear", "other"),
    504: ("coffee mug", "other"),
    711: ("perfume", "other"),
    629: ("lipstick", "other"),
    671: ("mountain bike", "other"),
    670: ("motor scooter", "other"),
}

# COCO-80 (YOLOv8 default) class names -> Mafqood category; unlisted names are "other".
COCO_NAMES: tuple[str, ...] = (
    "person",
    "bicycle",
    "car",
    "motorcycle",
    "airplane",
    "bus",
    "train",
    "truck",
    "boat",
    "traffic light",
    "fire hydrant",
    "stop sign",
    "parking meter",
    "bench",
    "bird",
    "cat",
    "dog",
    "horse",
    "sheep",
    "cow",
    "elephant",
    "bear",
    "zebra",
    "giraffe",
    "backpack",
    "umbrella",
    "handbag",
    "tie",
    "suitcase",
    "frisbee",
    "skis",
    "snowboard",
    "sports ball",
    "kite",
    "baseball bat",
    "baseball glove",
    "skateboard",
    "surfboard",
    "tennis racket",
    "bottle",
    "wine glass",
    "cup",
    "fork",
    "knife",
    "spoon",
    "bowl",
    "banana",
    "apple",
    "sandwich",
    "orange",
    "broccoli",
    "carrot",
    "hot dog",
    "pizza",
    "donut",
    "cake",
    "chair",
    "couch",
    "potted plant",
    "bed",
    "dining table",
    "toilet",
    "tv",
    "laptop",
    "mouse",
    "remote",
    "keyboard",
    "cell phone",
    "microwave",
    "oven",
    "toaster",
    "sink",
    "refrigerator",
    "book",
    "clock",
    "vase",
    "scissors",
    "teddy bear",
    "hair drier",
    "toothbrush",
)
COCO_CATEGORIES: dict[str, str] = {
    "cell phone": "phone",
    "backpack": "bag",
    "handbag": "bag",
    "suitcase": "bag",
    "laptop": "electronics",
    "mouse": "electronics",
    "remote": "electronics",
    "keyboard": "electronics",
    "tv": "electronics",
    "book": "documents",
    "clock": "jewelry",
}
# Not items anyone reports: never suggested from a detection.
COCO_IGNORED = frozenset(
    {"person", "dining table", "chair", "couch", "bed", "potted plant", "bench", "toilet", "sink"}
)

SUGGEST_MIN = 0.45  # probability mass of one category needed to suggest it
CONTRADICT_MIN = 0.60  # the photo must be at least this sure of another category...
CONTRADICT_CHOSEN_MAX = 0.05  # ...and give the chosen one at most this much
DETECTED_MIN = 0.05  # classes below this probability are not listed


@dataclass(frozen=True)
class DetectedObject:
    label: str
    confidence: float
    category: str
    bbox: tuple[float, float, float, float] | None = None  # x1, y1, x2, y2 in image pixels
    source: str = "imagenet"

    def as_json(self) -> dict[str, Any]:
        return {
            "class": self.label,
            "confidence": round(self.confidence, 4),
            "bbox": [round(v, 1) for v in self.bbox] if self.bbox is not None else None,
            "category": self.category,
            "source": self.source,
        }


@dataclass(frozen=True)
class CategoryGuess:
    probabilities: Mapping[str, float]  # every Mafqood category, summing to 1
    suggested: str | None
    confidence: float  # probability of `suggested` (or of the best category when None)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())
    result: np.ndarray = shifted / shifted.sum()
    return result


def imagenet_label(index: int) -> str:
    known = IMAGENET_CLASSES.get(index)
    return known[0] if known else f"imagenet-{index}"


def imagenet_category(index: int) -> str:
    known = IMAGENET_CLASSES.get(index)
    return known[1] if known else "other"


def category_probabilities(probs: np.ndarray) -> dict[str, float]:
    """Sum ImageNet class probabilities into Mafqood categories (the rest is "other")."""
    totals = dict.fromkeys(CATEGORIES, 0.0)
    for index, (_, category) in IMAGENET_CLASSES.items():
        totals[category] += float(probs[index])
    mapped = sum(totals.values()) - totals["other"]
    totals["other"] = max(0.0, 1.0 - mapped)
    return totals


def guess_category(probabilities: Mapping[str, float]) -> CategoryGuess:
    best = max(probabilities, key=lambda name: probabilities[name])
    confidence = probabilities[best]
    # "other" is what is left when nothing was recognised: never suggest it.
    suggested = best if best != "other" and confidence >= SUGGEST_MIN else None
    return CategoryGuess(dict(probabilities), suggested, confidence)


def imagenet_objects(probs: np.ndarray, top: int = 3) -> list[DetectedObject]:
    """The most likely ImageNet classes, as detected objects without a box."""
    objects = []
    for index in np.argsort(-probs)[:top]:
        confidence = float(probs[index])
        if confidence < DETECTED_MIN:
            break
        objects.append(
            DetectedObject(imagenet_label(int(index)), confidence, imagenet_category(int(index)))
        )
    return objects


def contradicts(chosen: str, probabilities: Mapping[str, float]) -> bool:
    """True when the photo is confidently something else than the chosen category."""
    if chosen not in probabilities or chosen == "other":
        return False
    others = {k: v for k, v in probabilities.items() if k not in (chosen, "other")}
    if not others:
        return False
    best = max(others, key=lambda name: others[name])
    return others[best] >= CONTRADICT_MIN and probabilities[chosen] <= CONTRADICT_CHOSEN_MAX


def coco_category(name: str) -> str:
    return COCO_CATEGORIES.get(name, "other")


def merge_detections(
    probabilities: Mapping[str, float], detections: list[DetectedObject]
) -> dict[str, float]:
    """Mix confident detector boxes into the whole-image classifier's distribution.

    Each detection of confidence p moves p of the mass onto its category; the most confident
    one is applied last, so it dominates.
    """
    merged = dict(probabilities)
    usable = [o for o in detections if o.category != "other" and o.label not in COCO_IGNORED]
    for obj in sorted(usable, key=lambda o: o.confidence):
        p = min(max(obj.confidence, 0.0), 1.0)
        merged = {k: (1 - p) * v for k, v in merged.items()}
        merged[obj.category] += p
    return merged
