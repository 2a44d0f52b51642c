"""Mail sent by a worker, so that a slow or unreachable relay never holds up a request and a
mail is not lost when the process stops: it is an outbox job, retried until it goes."""

from __future__ import annotations

from mafqood.core.unit_of_work import UnitOfWork
from mafqood.worker import outbox
from mafqood.worker.app import SEND_MAIL


def queue_mail(session: UnitOfWork, to: str, subject: str, body: str) -> outbox.OutboxJob:
    """Send once the session's transaction commits (never if it rolls back)."""
    return outbox.enqueue(session, SEND_MAIL, {"to": to, "subject": subject, "body": body})
