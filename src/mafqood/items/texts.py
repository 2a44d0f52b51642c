"""What lost and found reports say, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    # errors
    "duplicate_photo": {
        "en": "You already reported an item with this photo.",
        "ar": "لقد أبلغت بالفعل عن غرض بهذه الصورة.",
    },
    "item_deleted": {"en": "Item deleted successfully", "ar": "تم حذف الغرض بنجاح"},
    "too_many_photos": {
        "en": "A report has at most {max_photos} photos.",
        "ar": "البلاغ يحتوي على {max_photos} صور كحد أقصى.",
    },
    "last_photo": {
        "en": "A report keeps at least one photo.",
        "ar": "يجب أن يبقى في البلاغ صورة واحدة على الأقل.",
    },
    # field errors
    "field.too_many_photos": {
        "en": "At most {max_photos} photos.",
        "ar": "{max_photos} صور كحد أقصى.",
    },
    "field.document_number": {
        "en": "Must be the document's number (letters and digits), or a card's last four digits.",
        "ar": "يجب أن يكون رقم المستند (حروف وأرقام) أو آخر أربعة أرقام من البطاقة.",
    },
    "field.document_name": {
        "en": "Must be the name written on the document, in letters.",
        "ar": "يجب أن يكون الاسم المكتوب على المستند، بالحروف.",
    },
    "field.date_in_future": {
        "en": "Must not be in the future.",
        "ar": "يجب ألا يكون في المستقبل.",
    },
    "field.coordinates_paired": {
        "en": "Send latitude and longitude together.",
        "ar": "أرسل خط العرض وخط الطول معًا.",
    },
    "field.contact_required": {
        "en": "Required when the contact method is {method}.",
        "ar": "مطلوب عندما تكون طريقة التواصل {method}.",
    },
    "field.invalid_near": {
        "en": "Must be latitude,longitude, like 25.1972,55.2744.",
        "ar": "يجب أن يكون خط العرض,خط الطول مثل 25.1972,55.2744.",
    },
    "field.date_range": {
        "en": "date_from must be before date_to.",
        "ar": "يجب أن يكون date_from قبل date_to.",
    },
}
