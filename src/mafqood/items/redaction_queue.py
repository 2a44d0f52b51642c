"""Queueing the masking of a report's photos of documents for the vision workers (the masking
itself is matching/redaction.py's): what the API processes and the analysis need of it,
without loading the vision code."""

from __future__ import annotations

import uuid

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.items.photo_access import shows_document
from mafqood.worker import outbox
from mafqood.worker.app import REDACT_PHOTOS


def needs_redaction(item: Item) -> bool:
    """A view of the report shows a document and has no masked copy yet."""
    return any(shows_document(item, view) and not view.redacted_key for view in item.photos)


def enqueue_redaction(session: UnitOfWork, item_id: uuid.UUID) -> outbox.OutboxJob:
    """Record the report's masking job in the caller's transaction; sent after commit."""
    return outbox.enqueue(session, REDACT_PHOTOS, {"item_id": str(item_id)})
