"""English and Arabic texts for everything the API says to a person.

Messages are looked up by a stable code; the code is what clients should branch on,
the text is for showing.
"""

from __future__ import annotations

from typing import Any, Literal

from starlette.requests import HTTPConnection

from mafqood.core.i18n_venues import VENUE_MESSAGES

Language = Literal["en", "ar"]
SUPPORTED_LANGUAGES: tuple[Language, ...] = ("en", "ar")
DEFAULT_LANGUAGE: Language = "en"

MESSAGES: dict[str, dict[Language, str]] = {
    # generic errors
    "bad_request": {"en": "The request is not valid.", "ar": "الطلب غير صالح."},
    "validation_error": {
        "en": "Some fields are missing or invalid.",
        "ar": "بعض الحقول مفقودة أو غير صالحة.",
    },
    "not_found": {"en": "Not found.", "ar": "غير موجود."},
    "method_not_allowed": {"en": "Method not allowed.", "ar": "الطريقة غير مسموح بها."},
    "internal_error": {
        "en": "Something went wrong on our side. Please try again.",
        "ar": "حدث خطأ من جهتنا. يرجى المحاولة مرة أخرى.",
    },
    "rate_limited": {
        "en": "Too many requests. Please wait and try again.",
        "ar": "طلبات كثيرة جدًا. يرجى الانتظار ثم المحاولة مرة أخرى.",
    },
    "payload_too_large": {"en": "The request is too large.", "ar": "حجم الطلب كبير جدًا."},
    "forbidden": {
        "en": "You are not allowed to do this.",
        "ar": "غير مسموح لك بتنفيذ هذا الإجراء.",
    },
    # authentication
    "not_authenticated": {
        "en": "Please sign in to continue.",
        "ar": "يرجى تسجيل الدخول للمتابعة.",
    },
    "invalid_token": {
        "en": "Your session is invalid. Please sign in again.",
        "ar": "جلستك غير صالحة. يرجى تسجيل الدخول مرة أخرى.",
    },
    "token_expired": {
        "en": "Your session has expired. Please sign in again.",
        "ar": "انتهت صلاحية جلستك. يرجى تسجيل الدخول مرة أخرى.",
    },
    "token_reused": {
        "en": "This session was already used and has been closed for your safety. "
        "Please sign in again.",
        "ar": "تم استخدام هذه الجلسة من قبل وأُغلقت حفاظًا على أمانك. يرجى تسجيل الدخول مرة أخرى.",
    },
    "session_revoked": {
        "en": "You were signed out of this session. Please sign in again.",
        "ar": "تم تسجيل خروجك من هذه الجلسة. يرجى تسجيل الدخول مرة أخرى.",
    },
    "invalid_credentials": {
        "en": "Incorrect email or password.",
        "ar": "البريد الإلكتروني أو كلمة المرور غير صحيحة.",
    },
    "account_disabled": {"en": "This account is disabled.", "ar": "هذا الحساب معطل."},
    "email_taken": {
        "en": "An account with this email already exists.",
        "ar": "يوجد حساب مسجل بهذا البريد الإلكتروني بالفعل.",
    },
    "invalid_reset_token": {
        "en": "This password reset link is invalid or has expired.",
        "ar": "رابط إعادة تعيين كلمة المرور غير صالح أو منتهي الصلاحية.",
    },
    # photos and items
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
    "duplicate_photo": {
        "en": "You already reported an item with this photo.",
        "ar": "لقد أبلغت بالفعل عن غرض بهذه الصورة.",
    },
    "invalid_status_transition": {
        "en": "An item that is {current} cannot be changed to {requested}.",
        "ar": "لا يمكن تغيير حالة الغرض من {current} إلى {requested}.",
    },
    "match_closed": {
        "en": "This match was already rejected or has expired.",
        "ar": "تم رفض هذه المطابقة أو انتهت صلاحيتها.",
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
    "field.too_many_photos": {
        "en": "At most {max_photos} photos.",
        "ar": "{max_photos} صور كحد أقصى.",
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
    "field.nul_character": {
        "en": "Must not contain a NUL character.",
        "ar": "يجب ألا يحتوي على محرف NUL.",
    },
    "field.date_out_of_range": {
        "en": "Must be between {earliest} and {latest}.",
        "ar": "يجب أن يكون بين {earliest} و{latest}.",
    },
    "field.date_range": {
        "en": "date_from must be before date_to.",
        "ar": "يجب أن يكون date_from قبل date_to.",
    },
    "field.period_range": {
        "en": "from must not be after to.",
        "ar": "يجب ألا يكون from بعد to.",
    },
    # success messages
    "logged_out": {"en": "Logged out successfully", "ar": "تم تسجيل الخروج بنجاح"},
    "reset_email_sent": {
        "en": "Password reset email sent",
        "ar": "تم إرسال رسالة إعادة تعيين كلمة المرور",
    },
    "password_reset_done": {
        "en": "Your password has been changed. Please sign in.",
        "ar": "تم تغيير كلمة المرور. يرجى تسجيل الدخول.",
    },
    # field validation (pydantic error types and our own)
    "field.missing": {"en": "This field is required.", "ar": "هذا الحقل مطلوب."},
    "field.string_too_short": {
        "en": "Must be at least {min_length} characters.",
        "ar": "يجب ألا يقل عن {min_length} أحرف.",
    },
    "field.string_too_long": {
        "en": "Must be at most {max_length} characters.",
        "ar": "يجب ألا يزيد عن {max_length} حرفًا.",
    },
    "field.string_type": {"en": "Must be text.", "ar": "يجب أن يكون نصًا."},
    "field.bool_type": {"en": "Must be true or false.", "ar": "يجب أن تكون القيمة صح أو خطأ."},
    "field.bool_parsing": {"en": "Must be true or false.", "ar": "يجب أن تكون القيمة صح أو خطأ."},
    "field.int_parsing": {"en": "Must be a whole number.", "ar": "يجب أن يكون عددًا صحيحًا."},
    "field.int_type": {"en": "Must be a whole number.", "ar": "يجب أن يكون عددًا صحيحًا."},
    "field.float_parsing": {"en": "Must be a number.", "ar": "يجب أن يكون رقمًا."},
    "field.float_type": {"en": "Must be a number.", "ar": "يجب أن يكون رقمًا."},
    "field.greater_than_equal": {
        "en": "Must be at least {ge}.",
        "ar": "يجب أن تكون القيمة {ge} على الأقل.",
    },
    "field.less_than_equal": {
        "en": "Must be at most {le}.",
        "ar": "يجب ألا تزيد القيمة عن {le}.",
    },
    "field.greater_than": {"en": "Must be greater than {gt}.", "ar": "يجب أن تكون أكبر من {gt}."},
    "field.less_than": {"en": "Must be less than {lt}.", "ar": "يجب أن تكون أقل من {lt}."},
    "field.literal_error": {
        "en": "Must be one of: {expected}.",
        "ar": "يجب أن تكون إحدى القيم: {expected}.",
    },
    "field.enum": {
        "en": "Must be one of: {expected}.",
        "ar": "يجب أن تكون إحدى القيم: {expected}.",
    },
    "field.datetime_parsing": {
        "en": "Must be a date and time like 2026-01-03T14:30:00Z.",
        "ar": "يجب أن يكون تاريخًا ووقتًا مثل 2026-01-03T14:30:00Z.",
    },
    "field.datetime_from_date_parsing": {
        "en": "Must be a date and time like 2026-01-03T14:30:00Z.",
        "ar": "يجب أن يكون تاريخًا ووقتًا مثل 2026-01-03T14:30:00Z.",
    },
    "field.uuid_parsing": {"en": "Must be a valid id.", "ar": "يجب أن يكون معرفًا صالحًا."},
    "field.json_invalid": {
        "en": "The request body is not valid JSON.",
        "ar": "محتوى الطلب ليس JSON صالحًا.",
    },
    "field.model_attributes_type": {
        "en": "Must be a JSON object.",
        "ar": "يجب أن يكون كائن JSON.",
    },
    "field.dict_type": {"en": "Must be a JSON object.", "ar": "يجب أن يكون كائن JSON."},
    "field.extra_forbidden": {
        "en": "This field is not allowed.",
        "ar": "هذا الحقل غير مسموح به.",
    },
    "field.invalid_email": {
        "en": "Must be a valid email address.",
        "ar": "يجب أن يكون بريدًا إلكترونيًا صالحًا.",
    },
    "field.invalid_phone": {
        "en": "Must be a phone number in international format, like +971501234567.",
        "ar": "يجب أن يكون رقم هاتف بالصيغة الدولية مثل ‎+971501234567.",
    },
    "field.blank": {"en": "Must not be empty.", "ar": "يجب ألا يكون فارغًا."},
    "field.password_policy": {
        "en": "Password is too weak: {reasons}.",
        "ar": "كلمة المرور ضعيفة: {reasons}.",
    },
    "password.too_short": {"en": "at least 8 characters", "ar": "8 أحرف على الأقل"},
    "password.too_long": {"en": "at most 128 characters", "ar": "128 حرفًا على الأكثر"},
    "password.no_upper": {"en": "an uppercase letter", "ar": "حرف كبير"},
    "password.no_lower": {"en": "a lowercase letter", "ar": "حرف صغير"},
    "password.no_digit": {"en": "a digit", "ar": "رقم"},
    "field.invalid": {"en": "Invalid value.", "ar": "قيمة غير صالحة."},
    # notifications and push devices
    "notifications_all_read": {
        "en": "All notifications marked as read",
        "ar": "تم تعليم جميع الإشعارات كمقروءة",
    },
    "field.invalid_push_token": {
        "en": "Must be a push token from Firebase Cloud Messaging.",
        "ar": "يجب أن يكون رمز إشعارات من Firebase Cloud Messaging.",
    },
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
    "notify.login_throttled.title": {
        "en": "Sign-in attempts paused",
        "ar": "تم إيقاف محاولات تسجيل الدخول مؤقتًا",
    },
    "notify.login_throttled.message": {
        "en": "Someone entered a wrong password for your account {count} times. Sign-ins from "
        "new devices are paused for up to {minutes} minutes.",
        "ar": "أدخل أحدهم كلمة مرور خاطئة لحسابك {count} مرات. تم إيقاف تسجيل الدخول من "
        "الأجهزة الجديدة لمدة تصل إلى {minutes} دقيقة.",
    },
    "notify.confidence.high": {"en": "high", "ar": "عالية"},
    "notify.confidence.medium": {"en": "medium", "ar": "متوسطة"},
    "notify.confidence.low": {"en": "low", "ar": "منخفضة"},
    "notify.status.open": {"en": "open", "ar": "مفتوح"},
    "notify.status.matched": {"en": "matched", "ar": "مطابَق"},
    "notify.status.closed": {"en": "closed", "ar": "مغلق"},
    "notify.status.claimed": {"en": "claimed", "ar": "تم استلامه"},
    # privacy, moderation, administration
    "account_deleted": {
        "en": "Your account and everything in it have been deleted.",
        "ar": "تم حذف حسابك وكل ما فيه.",
    },
    "password_incorrect": {
        "en": "The password is not right.",
        "ar": "كلمة المرور غير صحيحة.",
    },
    "report_received": {
        "en": "Thank you. We will review this item.",
        "ar": "شكرًا لك. سنراجع هذا الغرض.",
    },
    "already_reported": {
        "en": "You already reported this item.",
        "ar": "لقد أبلغت عن هذا الغرض من قبل.",
    },
    "cannot_report_own_item": {
        "en": "You cannot report your own item.",
        "ar": "لا يمكنك الإبلاغ عن غرضك.",
    },
    "field.inappropriate_image": {
        "en": "This photo cannot be accepted. Please send a photo of the item only.",
        "ar": "لا يمكن قبول هذه الصورة. يرجى إرسال صورة للغرض فقط.",
    },
    "review_done": {"en": "Review saved.", "ar": "تم حفظ المراجعة."},
    "service_busy": {
        "en": "The service is busy right now. Please try again in a few seconds.",
        "ar": "الخدمة مشغولة الآن. يرجى المحاولة مرة أخرى بعد بضع ثوانٍ.",
    },
    "database_reset": {
        "en": "Database reset successfully",
        "ar": "تمت إعادة تعيين قاعدة البيانات بنجاح",
    },
    # mail
    "mail.reset.subject": {
        "en": "Reset your Mafqood password",
        "ar": "إعادة تعيين كلمة مرور مفقود",
    },
    "mail.reset.body": {
        "en": "Hello {name},\n\nSomeone asked to reset the password of your Mafqood account. "
        "Open this link within {minutes} minutes to choose a new one:\n\n{link}\n\n"
        "Your reset code: {token}\n\nIf it was not you, ignore this email.",
        "ar": "مرحبًا {name}،\n\nطلب أحدهم إعادة تعيين كلمة مرور حسابك في مفقود. "
        "افتح هذا الرابط خلال {minutes} دقيقة لاختيار كلمة مرور جديدة:\n\n{link}\n\n"
        "رمز إعادة التعيين: {token}\n\nإذا لم تكن أنت، فتجاهل هذه الرسالة.",
    },
    "mail.login_throttled.subject": {
        "en": "Wrong passwords for your Mafqood account",
        "ar": "كلمات مرور خاطئة لحسابك في مفقود",
    },
    "mail.login_throttled.body": {
        "en": "Hello {name},\n\nSomeone entered a wrong password for your Mafqood account "
        "{count} times. For your safety, sign-ins from new devices are paused for up to "
        "{minutes} minutes; devices you signed in from before still work.\n\n"
        "If it was not you, change your password (Forgot password in the app).",
        "ar": "مرحبًا {name}،\n\nأدخل أحدهم كلمة مرور خاطئة لحسابك في مفقود {count} مرات. "
        "حفاظًا على أمانك، تم إيقاف تسجيل الدخول من الأجهزة الجديدة لمدة تصل إلى {minutes} "
        "دقيقة، ولا تزال الأجهزة التي سجلت الدخول منها سابقًا تعمل.\n\n"
        "إذا لم تكن أنت، فغيّر كلمة المرور (نسيت كلمة المرور في التطبيق).",
    },
}

MESSAGES.update(VENUE_MESSAGES)


def translate(code: str, language: Language, **params: Any) -> str:
    texts = MESSAGES.get(code) or MESSAGES["field.invalid"]
    text = texts.get(language) or texts[DEFAULT_LANGUAGE]
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def parse_accept_language(header: str | None) -> Language | None:
    """Best supported language from an Accept-Language header, or None."""
    if not header:
        return None
    ranked: list[tuple[float, Language]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        for language in SUPPORTED_LANGUAGES:
            if primary == language and quality > 0:
                ranked.append((quality, language))
    if not ranked:
        return None
    ranked.sort(key=lambda pair: pair[0], reverse=True)
    return ranked[0][1]


def request_language(connection: HTTPConnection) -> Language:
    """Accept-Language first, then the signed-in user's preference, then English."""
    explicit = parse_accept_language(connection.headers.get("accept-language"))
    if explicit:
        return explicit
    preferred = getattr(connection.state, "user_language", None)
    if preferred in SUPPORTED_LANGUAGES:
        return preferred  # type: ignore[no-any-return]
    return DEFAULT_LANGUAGE
