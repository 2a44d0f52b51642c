"""Background work of the venue desks."""

from __future__ import annotations

from mafqood.venues import retention
from mafqood.worker import runtime
from mafqood.worker.app import RETENTION_NOTICES
from mafqood.worker.tasks import task


@task(RETENTION_NOTICES)
def retention_notices() -> int:
    """Daily: tell venue members about items newly past their holding period."""
    worker = runtime.current()
    return worker.run(retention.send_due_notices(worker.container))
