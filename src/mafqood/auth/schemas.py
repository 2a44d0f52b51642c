from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field
from pydantic_core import PydanticCustomError

from mafqood.core.i18n import Language
from mafqood.core.validation import InputModel, Name, OptionalPhone
from mafqood.users.passwords import policy_violations
from mafqood.users.schemas import UserOut


def _strong_password(value: str) -> str:
    reasons = policy_violations(value)
    if reasons:
        raise PydanticCustomError(
            "password_policy", "Password is too weak: {reasons}", {"reasons": reasons}
        )
    return value


NewPassword = Annotated[str, Field(max_length=256), AfterValidator(_strong_password)]


class RegisterIn(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "user@example.com",
                    "password": "SecurePassword123!",
                    "full_name": "Ahmad Ali",
                    "phone": "+971501234567",
                    "is_venue": False,
                }
            ]
        }
    )

    email: EmailStr = Field(max_length=255)
    password: NewPassword
    full_name: Name
    phone: OptionalPhone = None
    is_venue: bool = False
    preferred_language: Language | None = None


class LoginIn(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"email": "user@example.com", "password": "SecurePassword123!"}]
        }
    )

    email: EmailStr = Field(max_length=255)
    password: str = Field(min_length=1, max_length=256)


class RefreshIn(InputModel):
    refresh_token: str = Field(min_length=1, max_length=4096)


class ForgotPasswordIn(InputModel):
    email: EmailStr = Field(max_length=255)


class ResetPasswordIn(InputModel):
    token: str = Field(min_length=1, max_length=4096)
    new_password: NewPassword


class TokenPairOut(BaseModel):
    token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class AuthOut(TokenPairOut):
    user: UserOut


class MessageOut(BaseModel):
    message: str
