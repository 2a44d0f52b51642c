"""The accounts, and the refresh tokens that record their logins."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY, INET, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mafqood.core.db import Base, TimestampMixin


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("preferred_language IN ('en', 'ar')", name="language"),)

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    # Stored lower-cased so that uniqueness and login ignore case.
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(20))
    avatar_url: Mapped[str | None] = mapped_column(String(512))
    is_venue: Mapped[bool] = mapped_column(server_default=text("false"))
    is_verified: Mapped[bool] = mapped_column(server_default=text("false"))
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    is_admin: Mapped[bool] = mapped_column(server_default=text("false"))
    preferred_language: Mapped[str] = mapped_column(String(5), server_default="en")
    last_login_at: Mapped[datetime | None]
    # Set for an account created by a report on the web (no password yet): the secret of its
    # signed status links, replaced to revoke them all. Cleared when the app signs up.
    web_link_nonce: Mapped[str | None] = mapped_column(String(32))
    # Consent to be told privately when a document bearing this name is handed in (default
    # off), and the name as tokens that documents' names are compared with (documents.names).
    document_notices: Mapped[bool] = mapped_column(server_default=text("false"))
    name_tokens: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))


class RefreshToken(Base):
    """One refresh token. Tokens rotated from the same login share a family_id, so that the
    re-use of an already rotated token can revoke that whole login."""

    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    family_id: Mapped[uuid.UUID]
    token_hash: Mapped[str] = mapped_column(String(255), unique=True)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    revoked_at: Mapped[datetime | None]
    replaced_by: Mapped[uuid.UUID | None]
    device_info: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    ip_address: Mapped[str | None] = mapped_column(INET)
    user_agent: Mapped[str | None] = mapped_column(Text)
