"""Background work of sign-in: forgetting refresh tokens past their expiry. The tokens are
users' rows; the task is here, with their rotation, because users imports nothing but core
(a contract checks it) and so cannot declare a task."""

from __future__ import annotations

import structlog
from sqlalchemy import delete, func

from mafqood.users.models import RefreshToken
from mafqood.worker.app import PURGE_REFRESH_TOKENS
from mafqood.worker.background import task
from mafqood.worker.ports import TaskServices

log = structlog.get_logger(__name__)


@task(PURGE_REFRESH_TOKENS)
async def purge_refresh_tokens(services: TaskServices) -> int:
    async with services.sessionmaker() as session:
        result = await session.execute(
            delete(RefreshToken).where(RefreshToken.expires_at < func.now())
        )
        await session.commit()
    count = int(result.rowcount)  # type: ignore[attr-defined]
    if count:
        log.info("refresh_tokens_purged", count=count)
    return count
