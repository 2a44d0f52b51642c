"""What venues and their desks say, in English and Arabic (claims, handovers, disposals and
the notice of items past their holding period are a found item's life: lifecycle.texts)."""

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
    "venue_already_verified": {
        "en": "This venue is already verified.",
        "ar": "تم التحقق من هذا المكان بالفعل.",
    },
    "invitation_other_email": {
        "en": "This invitation was sent to another email address.",
        "ar": "أُرسلت هذه الدعوة إلى عنوان بريد إلكتروني آخر.",
    },
    "intake_budget_exceeded": {
        "en": "This desk has taken in as many photos as it may for now. Try again later.",
        "ar": "استقبل هذا المكتب أقصى عدد مسموح به من الصور حاليًا. حاول مرة أخرى لاحقًا.",
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
    "field.date_order": {
        "en": "Must not be before from.",
        "ar": "يجب ألا يكون قبل تاريخ البداية.",
    },
    "field.range_too_long": {
        "en": "Must be at most {max_days} days after from.",
        "ar": "الحد الأقصى {max_days} يومًا من تاريخ البداية.",
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
