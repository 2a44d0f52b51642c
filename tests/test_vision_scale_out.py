"""Two vision workers with their own settings, as on two machines, on one queue and one photo
bucket; one of them dies (SIGKILL) in the middle of a report's analysis. The report is still
analysed and matched exactly once, and each owner is told exactly once."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from mafqood.composition.container import Container
from mafqood.items.models import Item
from mafqood.lifecycle.models import Match
from mafqood.notifications.models import Notification
from mafqood.worker.app import ANALYSE_REPORT
from mafqood.worker.outbox import OutboxJob
from mafqood.worker.tasks import drain_outbox
from tests.conftest import AppFactory, Servers, asgi_client
from tests.factories import register, submit, wait_for
from tests.test_matching_engine import LOST, shots
from tests.workers import WorkerProcess, base_worker_env

BUCKET = "mafqood-scale-out"


def _s3(endpoint: str) -> dict[str, str]:
    return {
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT_URL": endpoint,
        "S3_BUCKET": BUCKET,
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_PUBLIC_BASE_URL": "https://cdn.mafqood.test",
    }


async def _scalar(container: Container, statement: Any) -> Any:
    async with container.sessionmaker() as session:
        return await session.scalar(statement)


@pytest.fixture
def machines(
    servers: Servers, s3_endpoint: str, vision_worker: WorkerProcess, tmp_path: Path
) -> Any:
    """Machine A analyses slowly (and will be killed), machine B normally. The run's own
    vision worker steps aside meanwhile."""
    vision_worker.stop()
    marker = tmp_path / "a-started"
    a = WorkerProcess(
        base_worker_env(
            servers,
            **_s3(s3_endpoint),
            DATA_DIR=str(tmp_path / "a"),
            VISION_THREADS="1",
            SLOW_MARKER=str(marker),
        ),
        tmp_path,
        queues="vision,machine-a",
        name="machine-a",
        module="tests.slow_vision_worker",
    )
    b = WorkerProcess(
        base_worker_env(servers, **_s3(s3_endpoint), DATA_DIR=str(tmp_path / "b")),
        tmp_path,
        queues="vision,machine-b",
        name="machine-b",
    )
    yield a, b, marker
    a.kill()
    b.stop()
    vision_worker.start()


async def test_a_report_survives_its_worker_being_killed_mid_job(
    client: httpx.AsyncClient, make_app: AppFactory, s3_endpoint: str, machines: Any
) -> None:
    a, b, marker = machines
    settings = {k.lower(): v for k, v in _s3(s3_endpoint).items()}
    async with (
        make_app(**settings, match_wait_ms=0, outbox_retry_after_seconds=1) as app,
        asgi_client(app) as api,
    ):
        container: Container = app.state.container
        owner_photo, finder_photo = shots(41)
        loser, finder = await register(client), await register(client)

        # The found report, analysed by machine B alone.
        b.start()
        await b.ready(container)
        found = (await submit(api, finder, "found", photo=finder_photo, **LOST)).json()["item"]

        async def analysed(item_id: str) -> bool:
            status = await _scalar(
                container, select(Item.analysis_status).where(Item.id == uuid.UUID(item_id))
            )
            return bool(status == "done")

        await wait_for(lambda: analysed(found["id"]), timeout=90)

        # The lost report goes to machine A (the only worker for a moment), which dies
        # in the middle of its analysis while machine B is up.
        b.stop()
        a.start()
        await a.ready(container)
        response = await submit(api, loser, "lost", photo=owner_photo, **LOST)
        assert response.status_code == 201 and response.json()["matching"] == "pending"
        lost = response.json()["item"]
        await wait_for(lambda: asyncio.sleep(0, marker.exists()), timeout=90)
        job_id = await _scalar(
            container, select(OutboxJob.id).where(OutboxJob.task == ANALYSE_REPORT)
        )
        b.start()
        await b.ready(container)
        a.kill()
        assert not await analysed(lost["id"])

        # Beat's outbox drain sends the job again; B runs it. Twice more, for good measure.
        async def drained_and_done() -> bool:
            await drain_outbox(container)
            return await analysed(lost["id"])

        await wait_for(drained_and_done, timeout=90, interval=0.5)
        # The same job delivered twice more (a broker's redelivery): nothing happens twice.
        for _ in range(2):
            await container.tasks.send(ANALYSE_REPORT, [str(job_id)])

        async def queue_empty() -> bool:
            return bool(await container.redis.llen("vision") == 0)

        await wait_for(queue_empty, timeout=90)
        await asyncio.sleep(1)  # let B finish the last one it took

        pairs = await _scalar(container, select(func.count()).select_from(Match))
        assert pairs == 1
        for owner in (loser, finder):
            told = await _scalar(
                container,
                select(func.count())
                .select_from(Notification)
                .where(Notification.user_id == uuid.UUID(owner.id), Notification.type == "match"),
            )
            assert told == 1, owner
        assert (
            await _scalar(
                container,
                select(func.count()).select_from(OutboxJob).where(OutboxJob.task == ANALYSE_REPORT),
            )
            == 0
        )
        matches = await api.get(f"/api/v1/items/{lost['id']}/matches", headers=loser.headers)
        assert [m["matched_item"]["id"] for m in matches.json()["matches"]] == [found["id"]]
