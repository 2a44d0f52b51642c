"""What the notification inbox and push devices say, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    "notifications_all_read": {
        "en": "All notifications marked as read",
        "ar": "تم تعليم جميع الإشعارات كمقروءة",
    },
    "field.invalid_push_token": {
        "en": "Must be a push token from Firebase Cloud Messaging.",
        "ar": "يجب أن يكون رمز إشعارات من Firebase Cloud Messaging.",
    },
}
