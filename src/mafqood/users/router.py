from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from mafqood.core.errors import FieldError
from mafqood.core.web import SessionDep
from mafqood.documents.names import name_tokens
from mafqood.users.deps import CurrentUser
from mafqood.users.schemas import ProfileUpdateIn, UserOut

router = APIRouter(prefix="/auth/users", tags=["users"])


@router.get("/me", response_model=UserOut, responses={401: {"description": "Not signed in"}})
async def get_me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


PROFILE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    422: {"description": "Invalid field"},
}


@router.put("/me", response_model=UserOut, responses=PROFILE_ERRORS)
@router.post(
    "/me",
    response_model=UserOut,
    responses=PROFILE_ERRORS,
    deprecated=True,
    description="Compatibility form of PUT /auth/users/me, for app versions that send POST"
    " (with camelCase fullName).",
)
async def update_me(body: ProfileUpdateIn, user: CurrentUser, db: SessionDep) -> UserOut:
    """Change the fields that are sent; a field left out stays as it is."""
    changes = body.model_dump(include=body.model_fields_set)
    for field in ("full_name", "preferred_language", "document_notices"):
        if field in changes and changes[field] is None:
            raise FieldError(field, "blank")
    for field, value in changes.items():
        setattr(user, field, value)
    # The name found documents are compared with, kept as tokens (documents.names).
    user.name_tokens = name_tokens(user.full_name)
    await db.flush()
    await db.refresh(user)
    return UserOut.model_validate(user)
