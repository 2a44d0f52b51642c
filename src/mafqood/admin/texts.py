"""What administration says, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    "field.period_range": {
        "en": "from must not be after to.",
        "ar": "يجب ألا يكون from بعد to.",
    },
    "review_done": {"en": "Review saved.", "ar": "تم حفظ المراجعة."},
    "database_reset": {
        "en": "Database reset successfully",
        "ar": "تمت إعادة تعيين قاعدة البيانات بنجاح",
    },
}
