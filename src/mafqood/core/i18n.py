"""The one lookup of what the API and the dashboard say to a person, in English or Arabic.

Texts are looked up by a stable code: the code is what clients branch on, the text is for
showing. Each domain keeps its own catalog (`<package>/texts.py`); a process registers them
as it starts (mafqood.composition.texts). Core holds the texts of what core itself says:
validation and the generic HTTP errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import structlog
from starlette.requests import HTTPConnection

log = structlog.get_logger(__name__)

Language = Literal["en", "ar"]
SUPPORTED_LANGUAGES: tuple[Language, ...] = ("en", "ar")
DEFAULT_LANGUAGE: Language = "en"


@dataclass(frozen=True)
class SameAs:
    """A key that must say exactly what another key says: one text, kept in one place."""

    key: str


Texts = Mapping[Language, str]
Catalog = Mapping[str, Texts | SameAs]


class MissingText(LookupError):
    """A code without a text: a bug, refused where it can be fixed (development, tests)."""


# What a client is shown for a code without a text (in production; elsewhere it is refused).
INVALID_VALUE: Texts = {"en": "Invalid value.", "ar": "قيمة غير صالحة."}

TEXTS: Catalog = {
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
    "not_authenticated": {
        "en": "Please sign in to continue.",
        "ar": "يرجى تسجيل الدخول للمتابعة.",
    },
    "conflict": {
        "en": "This could not be saved because of a conflict. Please try again.",
        "ar": "تعذر الحفظ بسبب تعارض. يرجى المحاولة مرة أخرى.",
    },
    "unsupported_media_type": {
        "en": "This kind of content is not supported.",
        "ar": "هذا النوع من المحتوى غير مدعوم.",
    },
    "service_busy": {
        "en": "The service is busy right now. Please try again in a few seconds.",
        "ar": "الخدمة مشغولة الآن. يرجى المحاولة مرة أخرى بعد بضع ثوانٍ.",
    },
    # field validation (pydantic error types and our own)
    "field.nul_character": {
        "en": "Must not contain a NUL character.",
        "ar": "يجب ألا يحتوي على محرف NUL.",
    },
    "field.date_out_of_range": {
        "en": "Must be between {earliest} and {latest}.",
        "ar": "يجب أن يكون بين {earliest} و{latest}.",
    },
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
    "field.bool_type": SameAs("field.bool_parsing"),
    "field.bool_parsing": {"en": "Must be true or false.", "ar": "يجب أن تكون القيمة صح أو خطأ."},
    "field.int_parsing": {"en": "Must be a whole number.", "ar": "يجب أن يكون عددًا صحيحًا."},
    "field.int_type": SameAs("field.int_parsing"),
    "field.float_parsing": {"en": "Must be a number.", "ar": "يجب أن يكون رقمًا."},
    "field.float_type": SameAs("field.float_parsing"),
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
    "field.enum": SameAs("field.literal_error"),
    "field.datetime_parsing": {
        "en": "Must be a date and time like 2026-01-03T14:30:00Z.",
        "ar": "يجب أن يكون تاريخًا ووقتًا مثل 2026-01-03T14:30:00Z.",
    },
    "field.datetime_from_date_parsing": SameAs("field.datetime_parsing"),
    "field.uuid_parsing": {"en": "Must be a valid id.", "ar": "يجب أن يكون معرفًا صالحًا."},
    "field.json_invalid": {
        "en": "The request body is not valid JSON.",
        "ar": "محتوى الطلب ليس JSON صالحًا.",
    },
    "field.model_attributes_type": {
        "en": "Must be a JSON object.",
        "ar": "يجب أن يكون كائن JSON.",
    },
    "field.dict_type": SameAs("field.model_attributes_type"),
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
    "field.invalid": INVALID_VALUE,
}

_registered: dict[str, Texts | SameAs] = {}
_refuse_missing = False


def register(*catalogs: Catalog) -> None:
    """Adds catalogs to the lookup; again with the same catalog changes nothing. Two
    catalogs may not give one key different texts."""
    for catalog in catalogs:
        for key, entry in catalog.items():
            if _registered.setdefault(key, entry) != entry:
                raise ValueError(f"two texts for {key!r}")


def refuse_missing() -> None:
    """From now on a code without a text raises MissingText instead of reading "Invalid
    value." (what a client is shown in production, the code beside it)."""
    global _refuse_missing
    _refuse_missing = True


def registered() -> Mapping[str, Texts | SameAs]:
    return MappingProxyType(_registered)


def texts_of(code: str) -> Texts | None:
    """Both languages' texts of a code (following SameAs), or None if it has none."""
    entry = _registered.get(code)
    seen = {code}
    while isinstance(entry, SameAs) and entry.key not in seen:
        seen.add(entry.key)
        entry = _registered.get(entry.key)
    return None if isinstance(entry, SameAs) else entry


def knows(code: str) -> bool:
    return texts_of(code) is not None


def translate(code: str, language: Language, **params: Any) -> str:
    texts = texts_of(code)
    if texts is None:
        log.error("text_missing", code=code)
        if _refuse_missing:
            raise MissingText(code)
        texts = INVALID_VALUE
    text = texts.get(language) or texts[DEFAULT_LANGUAGE]
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def parse_accept_language(header: str | None) -> Language | None:
    """The supported language an Accept-Language header ranks highest (q-values honoured,
    `ar-AE` counts as `ar`), or None when it names none of them."""
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


def language_or_default(preferred: object) -> Language:
    """A stored preference when it is a language we speak, else English."""
    for language in SUPPORTED_LANGUAGES:
        if preferred == language:
            return language
    return DEFAULT_LANGUAGE


def request_language(connection: HTTPConnection) -> Language:
    """Accept-Language first, then the signed-in user's preference, then English."""
    explicit = parse_accept_language(connection.headers.get("accept-language"))
    return explicit or language_or_default(getattr(connection.state, "user_language", None))


register(TEXTS)
