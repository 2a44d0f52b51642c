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


def _human_duration(delta: timedelta) -> str:
    hours = abs(delta.total_seconds()) / 3600
    if hours < 1:
        return "under 1 hour"
    if hours < 48:
        return f"{round(hours)} hour{'s' if round(hours) != 1 else ''}"
    days = round(hours / 24)
    return f"{days} days"


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
    time = max(0.0, 1.0 - abs(gap) / TIME_SCALE)

    text = text_score(text_cosine)
    parts = {
        "visual": visual,
        "text": text if text is not None else 0.5,
        "category": category,
        "color": colour,
        "location": location,
        "time": time,
    }
    similarity = sum(WEIGHTS[name] * value for name, value in parts.items())
    similarity = round(min(1.0, max(0.0, similarity)), 4)
    if similarity >= MEDIUM and certain:
        confidence = "high"
    elif similarity >= MEDIUM:
        confidence = "medium"
    else:
        confidence = "low"
    features: dict[str, Any] = {
        "visual_similarity": round(visual, 4),
        "match_probability": round(probability, 4),
        "category_match": category_match,
        "color_match": colour_match,
        "location_nearby": distance_km is not None and distance_km <= NEARBY_KM,
        "time_proximity": _human_duration(gap),
        "text_similarity": round(text, 4) if text is not None else None,
        "distance_km": round(distance_km, 2) if distance_km is not None else None,
        "hours_apart": round(gap.total_seconds() / 3600, 1),
    }
    return similarity, confidence, features


def worth_showing(similarity: float, visual: float, text: float | None) -> bool:
    if similarity < MINIMUM:
        return False
    return visual >= MIN_VISUAL or (text is not None and text >= MIN_TEXT)
