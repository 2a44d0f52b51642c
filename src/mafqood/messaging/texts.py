"""What messaging says, in English and Arabic: its refusals and the notice of a message."""

from __future__ import annotations

from mafqood.core.i18n import Catalog, SameAs

TEXTS: Catalog = {
    # errors
    "thread_blocked": {
        "en": "This conversation was closed by one of its sides.",
        "ar": "أُغلقت هذه المحادثة من أحد طرفيها.",
    },
    "thread_match_closed": {
        "en": "This match was rejected or has expired: the conversation can only be read.",
        "ar": "تم رفض هذه المطابقة أو انتهت صلاحيتها: يمكن قراءة المحادثة فقط.",
    },
    "thread_item_closed": {
        "en": "The item is closed or was handed over: the conversation can only be read.",
        "ar": "الغرض مغلق أو تم تسليمه: يمكن قراءة المحادثة فقط.",
    },
    "thread_already_blocked": {
        "en": "This conversation is already closed.",
        "ar": "هذه المحادثة مغلقة بالفعل.",
    },
    "thread_not_blocked_by_you": {
        "en": "Only the side that closed this conversation can open it again.",
        "ar": "لا يمكن إعادة فتح المحادثة إلا من الطرف الذي أغلقها.",
    },
    "too_many_messages": {
        "en": "You are sending messages too quickly. Please wait a little.",
        "ar": "أنت ترسل الرسائل بسرعة كبيرة. يرجى الانتظار قليلًا.",
    },
    "cannot_report_own_message": {
        "en": "You cannot report your own side's message.",
        "ar": "لا يمكنك الإبلاغ عن رسالة من طرفك.",
    },
    "already_reported_message": {
        "en": "You already reported this message.",
        "ar": "لقد أبلغت عن هذه الرسالة من قبل.",
    },
    "message_report_received": {
        "en": "Thank you. We will review this message.",
        "ar": "شكرًا لك. سنراجع هذه الرسالة.",
    },
    "field.reveals_hidden_details": {
        "en": "The message repeats the item's hidden details: whoever claims it must say them.",
        "ar": "الرسالة تكرر التفاصيل المخفية للغرض: على من يطالب به أن يذكرها بنفسه.",
    },
    "field.since_and_before": {
        "en": "Ask for messages either since or before a number, not both.",
        "ar": "اطلب الرسائل إما بعد رقم أو قبل رقم، وليس كليهما.",
    },
    # notices
    "notify.new_message.title": {
        "en": "Message from {sender_name}",
        "ar": "رسالة من {sender_name}",
    },
    "notify.new_message.message": {
        "en": "{item_title}: {preview}",
        "ar": "{item_title}: {preview}",
    },
    "notify.new_photo_message.title": SameAs("notify.new_message.title"),
    "notify.new_photo_message.message": {
        "en": "{item_title}: a photo",
        "ar": "{item_title}: صورة",
    },
}
