"""Reusable field types whose errors carry stable, translatable codes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, StringConstraints, field_validator
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


# Dates the service accepts: a report from before 2000 is a typo, and the far edges of what
# a datetime can hold overflow when converted to UTC (0001-01-01T00:00:00+14:00).
EARLIEST_DATE = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_DATE = datetime(2100, 1, 1, tzinfo=UTC)


def _in_range(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        inside = EARLIEST_DATE <= value <= LATEST_DATE
    except OverflowError:
        inside = False
    if not inside:
        raise PydanticCustomError(
            "date_out_of_range",
            "Must be between {earliest} and {latest}",
            {
                "earliest": EARLIEST_DATE.date().isoformat(),
                "latest": LATEST_DATE.date().isoformat(),
            },
        )
    return value


DateTimeInRange = Annotated[datetime, AfterValidator(_in_range)]

NUL = "\x00"


def _no_nul(value: object) -> object:
    if isinstance(value, str) and NUL in value:
        raise PydanticCustomError("nul_character", "Must not contain a NUL character")
    return value


class InputModel(BaseModel):
    """Base of every request body: text with a NUL character (which PostgreSQL cannot store)
    is refused for any field, with the field named."""

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul(cls, value: object) -> object:
        return _no_nul(value)
