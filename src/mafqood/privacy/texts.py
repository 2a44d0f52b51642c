"""What account deletion says, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    "account_deleted": {
        "en": "Your account and everything in it have been deleted.",
        "ar": "تم حذف حسابك وكل ما فيه.",
    },
    "password_incorrect": {
        "en": "The password is not right.",
        "ar": "كلمة المرور غير صحيحة.",
    },
}
