"""What the notification inbox and push devices say, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    # An owner who opted in is told of a found document with their name: where, never what
    # was read on it.
    "notify.document_found.title": {
        "en": "A document that may be yours was handed in",
        "ar": "سُلِّم مستند قد يكون لك",
    },
    "notify.document_found.message": {
        "en": "A document bearing your name was handed in at {location}. Open it to claim "
        "it: you will be asked to describe it.",
        "ar": "سُلِّم مستند يحمل اسمك في {location}. افتحه لتطالب به، وسيُطلب منك وصفه.",
    },
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
