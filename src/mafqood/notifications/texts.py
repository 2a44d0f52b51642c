"""What the notification inbox and push devices say, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    "mail.web.notice": {
        "en": "{message}\n\nSee your report, its matches and your claims here (the link is "
        "yours alone; do not share it):\n{link}\n\nMafqood",
        "ar": "{message}\n\nاطّلع على بلاغك ومطابقاته ومطالباتك من هنا (الرابط خاص بك، لا "
        "تشاركه مع أحد):\n{link}\n\nمفقود",
    },
    "notifications_all_read": {
        "en": "All notifications marked as read",
        "ar": "تم تعليم جميع الإشعارات كمقروءة",
    },
    "field.invalid_push_token": {
        "en": "Must be a push token from Firebase Cloud Messaging.",
        "ar": "يجب أن يكون رمز إشعارات من Firebase Cloud Messaging.",
    },
}
