"""What matches and their notifications say, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    # errors
    "match_closed": {
        "en": "This match was already rejected or has expired.",
        "ar": "تم رفض هذه المطابقة أو انتهت صلاحيتها.",
    },
    # notifications
    "notify.new_match.title": {"en": "New match found!", "ar": "تم العثور على تطابق جديد!"},
    "notify.new_match.message": {
        "en": "We found a possible match for your {item_title} ({confidence} confidence).",
        "ar": "وجدنا تطابقًا محتملًا لغرضك {item_title} (درجة الثقة: {confidence}).",
    },
    "notify.match_confirmed.title": {"en": "Match confirmed", "ar": "تم تأكيد التطابق"},
    "notify.match_confirmed.message": {
        "en": "{other_name} confirmed the match for {item_title}.",
        "ar": "أكّد {other_name} التطابق الخاص بـ {item_title}.",
    },
    "notify.match_rejected.title": {"en": "Match declined", "ar": "تم رفض التطابق"},
    "notify.match_rejected.message": {
        "en": "The match for {item_title} was declined.",
        "ar": "تم رفض التطابق الخاص بـ {item_title}.",
    },
    "notify.item_status.title": {"en": "Item updated", "ar": "تم تحديث الغرض"},
    "notify.item_status.message": {
        "en": "{item_title} is now {status}.",
        "ar": "حالة {item_title} الآن: {status}.",
    },
    "notify.contact_shared.title": {
        "en": "Contact details shared",
        "ar": "تمت مشاركة بيانات التواصل",
    },
    "notify.contact_shared.message": {
        "en": "You can now reach {other_name} about {item_title}: {contact}",
        "ar": "يمكنك الآن التواصل مع {other_name} بخصوص {item_title}: {contact}",
    },
    "notify.claim_required.title": {
        "en": "Describe your item to the finder",
        "ar": "صف غرضك لمن وجده",
    },
    "notify.claim_required.message": {
        "en": "The finder of a match for your {item_title} asks a few questions before "
        "sharing contact details. Claim it and answer them.",
        "ar": "يطرح من وجد غرضًا مطابقًا لـ {item_title} بعض الأسئلة قبل مشاركة بيانات "
        "التواصل. قدّم مطالبة وأجب عنها.",
    },
    # a match's confidence inside notification texts
    "notify.confidence.high": {"en": "high", "ar": "عالية"},
    "notify.confidence.medium": {"en": "medium", "ar": "متوسطة"},
    "notify.confidence.low": {"en": "low", "ar": "منخفضة"},
}
