"""What reporting an item says, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    "report_received": {
        "en": "Thank you. We will review this item.",
        "ar": "شكرًا لك. سنراجع هذا الغرض.",
    },
    "already_reported": {
        "en": "You already reported this item.",
        "ar": "لقد أبلغت عن هذا الغرض من قبل.",
    },
    "cannot_report_own_item": {
        "en": "You cannot report your own item.",
        "ar": "لا يمكنك الإبلاغ عن غرضك.",
    },
}
