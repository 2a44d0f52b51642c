"""What photo uploads, their screening and their storage say, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    "image_too_large": {
        "en": "The photo is larger than {max_mb} MB.",
        "ar": "حجم الصورة أكبر من {max_mb} ميغابايت.",
    },
    "unsupported_image": {
        "en": "This file is not a supported photo. Send a JPEG, PNG, WebP or HEIC image.",
        "ar": "هذا الملف ليس صورة مدعومة. أرسل صورة بصيغة JPEG أو PNG أو WebP أو HEIC.",
    },
    "storage_unavailable": {
        "en": "Photos cannot be saved right now. Please try again shortly.",
        "ar": "لا يمكن حفظ الصور الآن. يرجى المحاولة بعد قليل.",
    },
    "field.corrupt_image": {
        "en": "The photo is damaged or incomplete.",
        "ar": "الصورة تالفة أو غير مكتملة.",
    },
    "field.image_too_many_pixels": {
        "en": "The photo has too many pixels (at most {max_mp} megapixels).",
        "ar": "عدد بكسلات الصورة كبير جدًا (الحد الأقصى {max_mp} ميغابكسل).",
    },
    "field.empty_image": {"en": "The photo is empty.", "ar": "الصورة فارغة."},
    "field.inappropriate_image": {
        "en": "This photo cannot be accepted. Please send a photo of the item only.",
        "ar": "لا يمكن قبول هذه الصورة. يرجى إرسال صورة للغرض فقط.",
    },
}
