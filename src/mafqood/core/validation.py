"""Reusable field types whose errors carry stable, translatable codes."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

_PHONE = re.compile(r"^\+?[0-9]{7,15}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


def _normalise_phone(value: str) -> str:
    compact = _PHONE_SEPARATORS.sub("", value)
    if not _PHONE.match(compact):
        raise PydanticCustomError("invalid_phone", "Must be a phone number like +971501234567")
    return compact


def _not_blank(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise PydanticCustomError("blank", "Must not be empty")
    return stripped


def blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


Phone = Annotated[str, AfterValidator(_normalise_phone)]
OptionalPhone = Annotated[Phone | None, BeforeValidator(blank_to_none)]

# Text that must not be empty once trimmed; the length is checked on what was sent.
NotBlank = AfterValidator(_not_blank)
Name = Annotated[str, StringConstraints(max_length=255), NotBlank]
