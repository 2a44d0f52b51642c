"""Audit trail of sensitive actions, written in the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mafqood.audit.models import AuditLog
from mafqood.core.request_context import ClientInfo


def record(
    session: AsyncSession,
    action: str,
    client: ClientInfo,
    *,
    user_id: uuid.UUID | None = None,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
    status: int | None = None,
) -> None:
    session.add(
        AuditLog(
            user_id=user_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            ip_address=client.ip,
            user_agent=client.user_agent,
            request_data=data,
            response_status=status,
        )
    )
