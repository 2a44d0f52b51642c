"""What a found item's life says, in English and Arabic: its refusals, what each side is
told of its matches, claims and handover, and a venue's notice of items past their holding
period."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    # errors
    "invalid_status_transition": {
        "en": "An item that is {current} cannot be changed to {requested}.",
        "ar": "لا يمكن تغيير حالة الغرض من {current} إلى {requested}.",
    },
    "match_closed": {
        "en": "This match was already rejected or has expired.",
        "ar": "تم رفض هذه المطابقة أو انتهت صلاحيتها.",
    },
    "claim_own_item": {
        "en": "You cannot claim an item you reported or hold.",
        "ar": "لا يمكنك المطالبة بغرض أبلغت عنه أو تحتفظ به.",
    },
    "claim_pending": {
        "en": "You already have a claim waiting on this item.",
        "ar": "لديك بالفعل مطالبة قيد الانتظار على هذا الغرض.",
    },
    "too_many_claims": {
        "en": "Several of your claims on this item were not approved. Try again later, or "
        "visit the desk.",
        "ar": "لم تتم الموافقة على عدة مطالبات لك بهذا الغرض. حاول لاحقًا أو راجع مكتب المفقودات.",
    },
    "item_not_claimable": {
        "en": "This item can no longer be claimed.",
        "ar": "لم يعد بالإمكان المطالبة بهذا الغرض.",
    },
    "claim_decided": {
        "en": "This claim was already decided.",
        "ar": "تم البت في هذه المطالبة بالفعل.",
    },
    "already_handed_over": {
        "en": "This item was already handed over.",
        "ar": "تم تسليم هذا الغرض بالفعل.",
    },
    "not_due_for_disposal": {
        "en": "This item is not past its holding period yet.",
        "ar": "لم تنتهِ مدة الاحتفاظ بهذا الغرض بعد.",
    },
    "item_not_held": {
        "en": "This item is no longer held at the desk.",
        "ar": "لم يعد هذا الغرض محفوظًا في المكتب.",
    },
    # field errors
    "field.not_your_report": {
        "en": "Must be one of your own lost reports.",
        "ar": "يجب أن يكون أحد بلاغاتك عن المفقودات.",
    },
    "field.reason_required": {
        "en": "A reason is required when rejecting.",
        "ar": "السبب مطلوب عند الرفض.",
    },
    "field.claim_not_approved": {
        "en": "Must be an approved claim on this item.",
        "ar": "يجب أن تكون مطالبة معتمدة على هذا الغرض.",
    },
    "field.id_type_required": {
        "en": "Say which ID was checked.",
        "ar": "حدّد نوع الهوية التي تم التحقق منها.",
    },
    "field.id_last4": {
        "en": "At most the last 4 letters or digits of the ID, nothing more.",
        "ar": "4 أحرف أو أرقام على الأكثر من آخر رقم الهوية، لا أكثر.",
    },
    "field.police_reference_required": {
        "en": "Say which police station received it and its receipt number.",
        "ar": "اذكر مركز الشرطة الذي استلمه ورقم الإيصال.",
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
    "notify.item_status.title": {"en": "Item updated", "ar": "تم تحديث الغرض"},
    "notify.item_status.message": {
        "en": "{item_title} is now {status}.",
        "ar": "حالة {item_title} الآن: {status}.",
    },
    "notify.claim_received.title": {"en": "New claim", "ar": "مطالبة جديدة"},
    "notify.claim_received.message": {
        "en": "Someone claims {item_title}. Check their answers.",
        "ar": "يطالب أحدهم بـ {item_title}. راجع إجاباته.",
    },
    "notify.many_claims.title": {
        "en": "Many claims on one item",
        "ar": "مطالبات كثيرة على غرض واحد",
    },
    "notify.many_claims.message": {
        "en": "{item_title} draws many claims from different people. New claims on it are "
        "held for review: check the claimant's ID before approving.",
        "ar": "يتلقى {item_title} مطالبات كثيرة من أشخاص مختلفين. تُحجز المطالبات الجديدة "
        "عليه للمراجعة: تحقق من هوية المُطالِب قبل الموافقة.",
    },
    "notify.claim_approved.title": {"en": "Claim approved", "ar": "تمت الموافقة على المطالبة"},
    "notify.claim_approved.message": {
        "en": "Your claim on {item_title} was approved. Contact: {contact}",
        "ar": "تمت الموافقة على مطالبتك بـ {item_title}. للتواصل: {contact}",
    },
    "notify.ready_to_collect.title": {"en": "Ready to collect", "ar": "جاهز للاستلام"},
    "notify.ready_to_collect.message": {
        "en": "{item_title} is ready to collect at the lost & found desk of {venue} ({place}). "
        "{hours} Bring an ID.",
        "ar": "{item_title} جاهز للاستلام من مكتب المفقودات في {venue} ({place}). {hours} "
        "أحضر إثبات هوية.",
    },
    "notify.claim_rejected.title": {
        "en": "Claim not approved",
        "ar": "لم تتم الموافقة على المطالبة",
    },
    "notify.claim_rejected.message": {
        "en": "Your claim on {item_title} was not approved: {reason}",
        "ar": "لم تتم الموافقة على مطالبتك بـ {item_title}: {reason}",
    },
    "notify.claim_handed_over.title": {"en": "Claim closed", "ar": "أُغلقت المطالبة"},
    "notify.claim_handed_over.message": {
        "en": "{item_title} was handed over to someone else, so your claim was closed.",
        "ar": "تم تسليم {item_title} إلى شخص آخر، لذا أُغلقت مطالبتك.",
    },
    "notify.handover.title": {"en": "Item handed over", "ar": "تم تسليم الغرض"},
    "notify.handover.message": {
        "en": "{item_title} was handed over to {name}.",
        "ar": "تم تسليم {item_title} إلى {name}.",
    },
    "notify.retention_due.title": {
        "en": "Items past their holding period",
        "ar": "أغراض تجاوزت مدة الاحتفاظ",
    },
    "notify.retention_due.message": {
        "en": "{count} items at {venue} are past their holding period.",
        "ar": "{count} من الأغراض في {venue} تجاوزت مدة الاحتفاظ.",
    },
    # a report's status inside notification texts
    "notify.status.open": {"en": "open", "ar": "مفتوح"},
    "notify.status.matched": {"en": "matched", "ar": "مطابَق"},
    "notify.status.closed": {"en": "closed", "ar": "مغلق"},
    "notify.status.claimed": {"en": "claimed", "ar": "تم استلامه"},
}
