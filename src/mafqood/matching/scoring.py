"""How alike a lost and a found report are: the spec's calculate_match_score, extended with
text similarity and with a visual score that already includes same-instance verification.

Pure functions, so the API, the workers and the evaluation all score the same way.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# Spec weights were visual .50, category .20, colour .10, location .15, time .05; text
# similarity takes part of the visual and category weight.
WEIGHTS = {
    "visual": 0.45,
    "text": 0.10,
    "category": 0.15,
    "color": 0.10,
    "location": 0.15,
    "time": 0.05,
}
MEDIUM = 0.60
MINIMUM = 0.50
# Below both of these a pair is not worth showing, whatever the metadata says.
MIN_VISUAL = 0.35
MIN_TEXT = 0.60
NEARBY_KM = 10.0
TIME_SCALE = timedelta(days=7)

_COLOURS = {
    # English and Arabic names of the colours people write most.
    "black": "black",
    "أسود": "black",
    "اسود": "black",
    "سوداء": "black",
    "سودا": "black",
    "white": "white",
    "أبيض": "white",
    "ابيض": "white",
    "بيضاء": "white",
    "red": "red",
    "أحمر": "red",
    "احمر": "red",
    "حمراء": "red",
    "blue": "blue",
    "أزرق": "blue",
    "ازرق": "blue",
    "زرقاء": "blue",
    "green": "green",
    "أخضر": "green",
    "اخضر": "green",
    "خضراء": "green",
    "brown": "brown",
    "بني": "brown",
    "بنية": "brown",
    "grey": "grey",
    "gray": "grey",
    "رمادي": "grey",
    "رمادية": "grey",
    "silver": "silver",
    "فضي": "silver",
    "فضية": "silver",
    "gold": "gold",
    "golden": "gold",
    "ذهبي": "gold",
    "ذهبية": "gold",
    "pink": "pink",
    "وردي": "pink",
    "وردية": "pink",
    "yellow": "yellow",
    "أصفر": "yellow",
    "اصفر": "yellow",
    "صفراء": "yellow",
    "purple": "purple",
    "بنفسجي": "purple",
    "بنفسجية": "purple",
    "orange": "orange",
    "برتقالي": "orange",
    "برتقالية": "orange",
    "beige": "beige",
    "بيج": "beige",
}


@dataclass(frozen=True)
class Side:
    """What scoring needs to know of one report."""

    category: str
    color: str | None
    latitude: float | None
    longitude: float | None
    date_time: datetime

    @classmethod
    def of(cls, report: Any) -> Side:
        """Of a report row (an items row, a candidate) with those columns."""
        latitude = float(report.latitude) if report.latitude is not None else None
        longitude = float(report.longitude) if report.longitude is not None else None
        return cls(report.category, report.color, latitude, longitude, report.date_time)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


def normalise_colour(colour: str | None) -> str | None:
    if not colour:
        return None
    text = unicodedata.normalize("NFKC", colour).strip().lower()
    return _COLOURS.get(text, text)


def text_score(cosine: float | None) -> float | None:
    """Multilingual sentence cosine -> [0, 1]: unrelated descriptions sit near 0.2, paraphrases
    (also across English and Arabic) above 0.7."""
    if cosine is None:
        return None
    return min(1.0, max(0.0, (cosine - 0.2) / 0.6))


def label_score(cosine: float | None) -> float | None:
    """A description against the name of an object (a few words) -> [0, 1]: such cosines are
    lower than between two descriptions; a name the text uses sits above 0.5."""
    if cosine is None:
        return None
    return min(1.0, max(0.0, (cosine - 0.2) / 0.4))


def _human_duration(delta: timedelta) -> str:
    hours = abs(delta.total_seconds()) / 3600
    if hours < 1:
        return "under 1 hour"
    if hours < 48:
        return f"{round(hours)} hour{'s' if round(hours) != 1 else ''}"
    days = round(hours / 24)
    return f"{days} days"


def place_and_time(lost: Side, found: Side) -> tuple[float, float | None, float, timedelta]:
    """(location score, distance in km or None, time score, found minus lost time)."""
    distance_km = None
    location = 0.5  # unknown: neither for nor against
    if (
        lost.latitude is not None
        and lost.longitude is not None
        and found.latitude is not None
        and found.longitude is not None
    ):
        distance_km = haversine_km(lost.latitude, lost.longitude, found.latitude, found.longitude)
        location = max(0.0, 1.0 - distance_km / NEARBY_KM)
    gap = found.date_time - lost.date_time
    return location, distance_km, max(0.0, 1.0 - abs(gap) / TIME_SCALE), gap


def weighted(weights: dict[str, float], parts: dict[str, float]) -> float:
    """The weighted sum of the parts, in [0, 1], rounded as stored."""
    total = sum(weights[name] * value for name, value in parts.items())
    return round(min(1.0, max(0.0, total)), 4)


def place_and_time_features(distance_km: float | None, gap: timedelta) -> dict[str, Any]:
    return {
        "location_nearby": distance_km is not None and distance_km <= NEARBY_KM,
        "time_proximity": _human_duration(gap),
        "distance_km": round(distance_km, 2) if distance_km is not None else None,
        "hours_apart": round(gap.total_seconds() / 3600, 1),
    }


def score(
    lost: Side,
    found: Side,
    visual: float,
    text_cosine: float | None,
    probability: float,
    *,
    certain: bool,
) -> tuple[float, str, dict[str, Any]]:
    """(similarity in [0, 1], confidence, matching_features). `probability` is the calibrated
    chance that the photos show the very same item and `certain` whether it earns "high"
    (matching/calibration.py); "high" also needs the place, time and category not to argue
    against it (a similarity of at least MEDIUM)."""
    category_match = lost.category == found.category
    category = (
        1.0 if category_match else (0.75 if "other" in (lost.category, found.category) else 0.5)
    )

    lost_colour, found_colour = normalise_colour(lost.color), normalise_colour(found.color)
    colour_known = lost_colour is not None and found_colour is not None
    colour_match = colour_known and lost_colour == found_colour
    colour = 1.0 if colour_match else (0.7 if colour_known else 0.85)

    location, distance_km, time, gap = place_and_time(lost, found)

    text = text_score(text_cosine)
    parts = {
        "visual": visual,
        "text": text if text is not None else 0.5,
        "category": category,
        "color": colour,
        "location": location,
        "time": time,
    }
    similarity = weighted(WEIGHTS, parts)
    if similarity >= MEDIUM and certain:
        confidence = "high"
    elif similarity >= MEDIUM:
        confidence = "medium"
    else:
        confidence = "low"
    features: dict[str, Any] = {
        "scored_by": "photos",
        "visual_similarity": round(visual, 4),
        "match_probability": round(probability, 4),
        "category_match": category_match,
        "color_match": colour_match,
        "text_similarity": round(text, 4) if text is not None else None,
        **place_and_time_features(distance_km, gap),
    }
    return similarity, confidence, features


def worth_showing(similarity: float, visual: float, text: float | None) -> bool:
    if similarity < MINIMUM:
        return False
    return visual >= MIN_VISUAL or (text is not None and text >= MIN_TEXT)


# A lost report without a photo (matching/described.py) is scored by what both reports say and
# what the found report's photo shows. Its text carries the visual weight; "high" is never
# given (it needs two photos of one item, matching/calibration.py), and "medium" needs the
# descriptions themselves to agree.
DESCRIBED_WEIGHTS = {
    "text": 0.40,
    "photo": 0.10,
    "category": 0.15,
    "color": 0.10,
    "brand": 0.05,
    "location": 0.15,
    "time": 0.05,
}
DESCRIBED_MEDIUM_TEXT = 0.60
# "medium" also needs the pair to lead the next best by this much (matching/described.py).
DESCRIBED_MARGIN = 0.03
# Below both, the descriptions and the photo say too little for the pair to be shown.
DESCRIBED_MIN_TEXT = 0.25
DESCRIBED_MIN_PHOTO = 0.50


@dataclass(frozen=True)
class Described:
    """What is known of one report when one of the two has no photo: its words, and for the
    found report what its photo shows (object names and named colours)."""

    side: Side
    brand: str | None
    words: str  # title, description, brand and colour
    ai_category: str | None = None
    photo_labels: tuple[str, ...] = ()
    photo_colours: tuple[str, ...] = ()


def colours_in(words: str) -> set[str]:
    """The colour names (English or Arabic) written in a text, normalised."""
    text = unicodedata.normalize("NFKC", words).lower()
    tokens = "".join(ch if ch.isalnum() else " " for ch in text).split()
    return {_COLOURS[token] for token in tokens if token in _COLOURS}


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _brand_score(lost: Described, found: Described) -> tuple[float, bool | None]:
    """1 when one report's brand is written in the other's words, lower when both name
    different brands, neutral when a side names none."""
    lost_brand, found_brand = _folded(lost.brand or ""), _folded(found.brand or "")
    if (lost_brand and lost_brand in _folded(found.words)) or (
        found_brand and found_brand in _folded(lost.words)
    ):
        return 1.0, True
    if lost_brand and found_brand:
        return 0.4, False
    return 0.8, None


def score_described(
    lost: Described,
    found: Described,
    text_cosine: float | None,
    photo_cosine: float | None,
) -> tuple[float, str, dict[str, Any]]:
    """(similarity, confidence, matching_features) of a pair in which the lost report has no
    photo. text_cosine: the two reports' texts; photo_cosine: the lost report's text against
    the names of what the found report's photo shows."""
    known = {found.side.category, found.ai_category} - {None}
    if lost.side.category != "other" and lost.side.category in known:
        category, category_match = 1.0, True
    elif "other" in (lost.side.category, found.side.category):
        category, category_match = 0.75, False
    else:
        category, category_match = 0.4, False

    lost_colours = {normalise_colour(lost.side.color)} - {None} or colours_in(lost.words)
    found_colours = (
        {normalise_colour(found.side.color)} - {None}
        | set(found.photo_colours)
        | colours_in(found.words)
    )
    colour_match: bool | None = None
    colour = 0.85
    if lost_colours and found_colours:
        colour_match = bool(lost_colours & found_colours)
        colour = 1.0 if colour_match else 0.6
    brand, brand_match = _brand_score(lost, found)

    location, distance_km, time, gap = place_and_time(lost.side, found.side)
    text = text_score(text_cosine)
    photo = label_score(photo_cosine) if found.photo_labels else None
    parts = {
        "text": text if text is not None else 0.3,
        # Only for: the photo model often names a look-alike class (a CD case is a "book
        # jacket"), so a photo that shows something else is no evidence against.
        "photo": 0.5 + 0.5 * photo if photo is not None else 0.5,
        "category": category,
        "color": colour,
        "brand": brand,
        "location": location,
        "time": time,
    }
    similarity = weighted(DESCRIBED_WEIGHTS, parts)
    # Never "high"; "medium" when the texts agree and the categories do not disagree.
    medium = (
        similarity >= MEDIUM
        and text is not None
        and text >= DESCRIBED_MEDIUM_TEXT
        and category >= 0.75
    )
    confidence = "medium" if medium else "low"
    features: dict[str, Any] = {
        "scored_by": "description",
        "visual_similarity": None,
        "match_probability": None,
        "text_similarity": round(text, 4) if text is not None else None,
        "photo_description_similarity": round(photo, 4) if photo is not None else None,
        "photo_shows": list(found.photo_labels),
        "photo_colours": list(found.photo_colours),
        "category_match": category_match,
        "color_match": colour_match,
        "brand_match": brand_match,
        **place_and_time_features(distance_km, gap),
    }
    return similarity, confidence, features


def described_worth_showing(similarity: float, features: dict[str, Any]) -> bool:
    if similarity < MINIMUM:
        return False
    text = features.get("text_similarity")
    photo = features.get("photo_description_similarity")
    return (text is not None and text >= DESCRIBED_MIN_TEXT) or (
        photo is not None and photo >= DESCRIBED_MIN_PHOTO and features["category_match"]
    )


# A document matched by what it says ranks above every look-alike: the same identifier is
# certain, the stated name on a document of the same kind and issuer probable. Documents
# without such evidence rank below both and are never "high": every Emirates ID looks the
# same.
IDENTIFIER_FLOOR = 0.95
NAME_FLOOR = 0.75
LOOKS_CEILING = 0.74


def for_document(similarity: float, confidence: str, evidence: str | None) -> tuple[float, str]:
    """The score of a pair of documents, from what they say (`evidence`: identifier, name
    or None) and how they look (`similarity`)."""
    if evidence == "identifier":
        return round(IDENTIFIER_FLOOR + (1 - IDENTIFIER_FLOOR) * similarity, 4), "high"
    if evidence == "name":
        return round(NAME_FLOOR + 0.1 * similarity, 4), "medium"
    similarity = min(similarity, LOOKS_CEILING)
    return similarity, "medium" if confidence == "high" else confidence
