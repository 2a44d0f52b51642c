from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from mafqood.core.i18n import Language
from mafqood.core.validation import InputModel, Name, OptionalPhone


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    phone: str | None
    avatar_url: str | None
    is_venue: bool
    is_verified: bool
    preferred_language: str
    # Told privately when a document bearing this account's name is handed in (opt-in).
    document_notices: bool = False
    created_at: datetime


class ProfileUpdateIn(InputModel):
    """Only the fields sent are changed; phone may be null to remove it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "full_name": "Ahmad Ali Updated",
                    "phone": "+971509999999",
                    "preferred_language": "ar",
                }
            ]
        }
    )

    # The app in users' hands sends camelCase (fullName); both spellings are taken.
    full_name: Annotated[
        Name | None, Field(validation_alias=AliasChoices("full_name", "fullName"))
    ] = None
    phone: OptionalPhone = None
    preferred_language: Annotated[
        Language | None,
        Field(validation_alias=AliasChoices("preferred_language", "preferredLanguage")),
    ] = None
    document_notices: Annotated[
        bool | None,
        Field(
            validation_alias=AliasChoices("document_notices", "documentNotices"),
            description="Be told privately when a document bearing your name (as in "
            "full_name) is handed in; off unless you turn it on.",
        ),
    ] = None
