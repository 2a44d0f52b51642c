"""What matching says, in English and Arabic: a match's confidence inside notification texts
(the notices of a match are a found item's life: lifecycle.texts)."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    "notify.confidence.high": {"en": "high", "ar": "عالية"},
    "notify.confidence.medium": {"en": "medium", "ar": "متوسطة"},
    "notify.confidence.low": {"en": "low", "ar": "منخفضة"},
}
