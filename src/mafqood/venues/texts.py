"""What venues, their desks, claims, handovers and disposals say, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    # errors
    "venue_owner_only": {
        "en": "Only the venue's owners can do this.",
        "ar": "لا يستطيع القيام بهذا إلا مالكو المكان.",
    },
    "last_owner": {
        "en": "A venue keeps at least one owner.",
        "ar": "يجب أن يبقى للمكان مالك واحد على الأقل.",
    },
    "already_member": {
        "en": "This account is already a member of the venue.",
        "ar": "هذا الحساب عضو في المكان بالفعل.",
    },
    "invalid_invitation": {
        "en": "This invitation is not valid, was already used or has expired.",
        "ar": "هذه الدعوة غير صالحة أو استُخدمت من قبل أو انتهت صلاحيتها.",
    },
    "invitation_other_email": {
        "en": "This invitation was sent to another email address.",
        "ar": "أُرسلت هذه الدعوة إلى عنوان بريد إلكتروني آخر.",
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
        "en": "Too many claims on this item were not approved. Please visit the desk.",
        "ar": "لم تتم الموافقة على مطالبات كثيرة بهذا الغرض. يرجى مراجعة مكتب المفقودات.",
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
    "field.too_many_items": {
        "en": "At most {max_items} items in one request.",
        "ar": "الحد الأقصى {max_items} أغراض في الطلب الواحد.",
    },
    "field.invalid_json": {
        "en": "Must be a JSON list of items.",
        "ar": "يجب أن يكون قائمة أغراض بصيغة JSON.",
    },
    "field.photo_missing": {
        "en": "No photo part named {name} in this request.",
        "ar": "لا يوجد جزء صورة باسم {name} في هذا الطلب.",
    },
    "field.unknown_account": {
        "en": "No active account has this email address.",
        "ar": "لا يوجد حساب نشط بهذا البريد الإلكتروني.",
    },
    "field.reason_required": {
        "en": "A reason is required when rejecting.",
        "ar": "السبب مطلوب عند الرفض.",
    },
    "field.id_type_required": {
        "en": "Say which ID was checked.",
        "ar": "حدّد نوع الهوية التي تم التحقق منها.",
    },
    "field.date_order": {
        "en": "Must not be before from.",
        "ar": "يجب ألا يكون قبل تاريخ البداية.",
    },
    "field.range_too_long": {
        "en": "Must be at most {max_days} days after from.",
        "ar": "الحد الأقصى {max_days} يومًا من تاريخ البداية.",
    },
    "field.police_reference_required": {
        "en": "Say which police station received it and its receipt number.",
        "ar": "اذكر مركز الشرطة الذي استلمه ورقم الإيصال.",
    },
    "field.not_your_report": {
        "en": "Must be one of your own lost reports.",
        "ar": "يجب أن يكون أحد بلاغاتك عن المفقودات.",
    },
    "field.claim_not_approved": {
        "en": "Must be an approved claim on this item.",
        "ar": "يجب أن تكون مطالبة معتمدة على هذا الغرض.",
    },
    "field.id_last4": {
        "en": "At most the last 4 letters or digits of the ID, nothing more.",
        "ar": "4 أحرف أو أرقام على الأكثر من آخر رقم الهوية، لا أكثر.",
    },
    # notifications
    "notify.claim_handed_over.title": {"en": "Claim closed", "ar": "أُغلقت المطالبة"},
    "notify.claim_handed_over.message": {
        "en": "{item_title} was handed over to someone else, so your claim was closed.",
        "ar": "تم تسليم {item_title} إلى شخص آخر، لذا أُغلقت مطالبتك.",
    },
    "notify.claim_received.title": {"en": "New claim", "ar": "مطالبة جديدة"},
    "notify.claim_received.message": {
        "en": "Someone claims {item_title}. Check their answers.",
        "ar": "يطالب أحدهم بـ {item_title}. راجع إجاباته.",
    },
    "notify.claim_approved.title": {"en": "Claim approved", "ar": "تمت الموافقة على المطالبة"},
    "notify.claim_approved.message": {
        "en": "Your claim on {item_title} was approved. Contact: {contact}",
        "ar": "تمت الموافقة على مطالبتك بـ {item_title}. للتواصل: {contact}",
    },
    "notify.claim_rejected.title": {
        "en": "Claim not approved",
        "ar": "لم تتم الموافقة على المطالبة",
    },
    "notify.claim_rejected.message": {
        "en": "Your claim on {item_title} was not approved: {reason}",
        "ar": "لم تتم الموافقة على مطالبتك بـ {item_title}: {reason}",
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
    # words inside other texts
    "venue.role.owner": {"en": "owner", "ar": "مالك"},
    "venue.role.staff": {"en": "staff member", "ar": "موظف"},
    # mail
    "mail.venue_invitation.subject": {
        "en": "You are invited to the {venue} lost-property desk on Mafqood",
        "ar": "أنت مدعو إلى مكتب المفقودات في {venue} على مفقود",
    },
    "mail.venue_invitation.body": {
        "en": "Hello,\n\n{inviter} invited you to join {venue} on Mafqood as {role}. "
        "Sign in (or create an account with this address) and accept within {days} days:"
        "\n\n{link}\n\nInvitation code: {token}\n\nIf you did not expect this, ignore it.",
        "ar": "مرحبًا،\n\nدعاك {inviter} للانضمام إلى {venue} على مفقود بصفة {role}. "
        "سجّل الدخول (أو أنشئ حسابًا بهذا العنوان) واقبل الدعوة خلال {days} أيام:"
        "\n\n{link}\n\nرمز الدعوة: {token}\n\nإذا لم تكن تتوقع هذه الرسالة، فتجاهلها.",
    },
}
