"""Audit trail of sensitive actions, written in the caller's unit of work. The record of a
refusal (a status of 400 or more) is kept even when the request that was refused rolls back."""

from __future__ import annotations

import uuid
from typing import Any

from mafqood.audit.models import AuditLog
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork


def record(
    session: UnitOfWork,
    action: str,
    client: ClientInfo,
    *,
    user_id: uuid.UUID | None = None,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
    status: int | None = None,
) -> None:
    row = AuditLog(
        user_id=user_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        ip_address=client.ip,
        user_agent=client.user_agent,
        request_data=data,
        response_status=status,
    )
    if status is not None and status >= 400:
        session.add_surviving_rollback(row)
    else:
        session.add(row)
