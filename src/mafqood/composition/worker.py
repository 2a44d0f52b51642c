"""A Celery worker process of this application. The worker runtime knows no domain: here it
gets the builder of the process's shared objects (the Container and the push client, with
every table and text known), and the outbox drain gets what to do with the jobs it gives up
on. `mafqood worker` calls `install` before the worker starts."""

from __future__ import annotations

from dataclasses import dataclass

# Every table must be known before the first flush (foreign keys between domains).
import mafqood.models  # noqa: F401
from mafqood.composition.container import Container
from mafqood.composition.texts import register_texts
from mafqood.core.config import Settings
from mafqood.items import analysis_queue
from mafqood.push import FcmClient, make_fcm_client
from mafqood.worker import outbox, runtime
from mafqood.worker.app import ANALYSE_REPORT


@dataclass
class WorkerServices(Container):
    """A worker's shared objects: the API's, and the client that pushes to phones."""

    push: FcmClient | None = None

    async def close(self) -> None:
        if self.push is not None:
            await self.push.aclose()
        await super().close()


def build_worker_services(settings: Settings) -> WorkerServices:
    if not settings.database_url or not settings.redis_url:
        raise RuntimeError("workers need DATABASE_URL and REDIS_URL (`mafqood serve` passes both)")
    register_texts(settings)
    services = WorkerServices.build(settings, settings.database_url, settings.redis_url)
    services.push = make_fcm_client(settings)
    return services


def register_give_up_hooks() -> None:
    # A report whose analysis is given up on says so instead of staying pending.
    outbox.on_give_up(ANALYSE_REPORT, analysis_queue.mark_given_up)


def install() -> None:
    """Before the worker consumes (its forked pool processes inherit both)."""
    register_give_up_hooks()
    runtime.install(build_worker_services)
