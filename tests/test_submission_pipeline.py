"""Submissions through the vision workers: stored at once, analysed and matched by a real
Celery worker (two pool processes), never lost or failed under concurrency."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, update

from mafqood.composition.container import Container
from mafqood.composition.worker import register_give_up_hooks
from mafqood.items import analysis_queue
from mafqood.items.models import Item
from mafqood.items.photo_guard import guard_report_photo, remove_orphan_photo
from mafqood.lifecycle.models import Match
from mafqood.notifications.models import Notification
from mafqood.photos.service import photo_keys
from mafqood.worker import outbox
from mafqood.worker.app import ANALYSE_REPORT, REMOVE_ORPHAN_PHOTO
from mafqood.worker.outbox import OutboxJob
from mafqood.worker.tasks import drain_outbox
from tests import images
from tests.conftest import AppFactory, asgi_client
from tests.factories import Account, insert_report, register, report_row, submit, wait_for
from tests.test_matching_engine import LOST, shots
from tests.workers import WorkerProcess, running


async def _count(container: Container, statement: Any) -> int:
    async with container.sessionmaker() as session:
        return int(await session.scalar(statement) or 0)


async def test_the_201_carries_the_matches_found_in_time(client: httpx.AsyncClient) -> None:
    owner_photo, finder_photo = shots(11)
    loser, finder = await register(client), await register(client)
    lost = await submit(client, loser, "lost", photo=owner_photo, **LOST)
    assert lost.status_code == 201
    assert lost.json()["matching"] == "done" and lost.json()["matches"] == []
    found = await submit(client, finder, "found", photo=finder_photo, **LOST)
    body = found.json()
    assert body["matching"] == "done" and body["item"]["analysis_status"] == "done"
    assert body["item"]["ai_processed"] is True
    assert [m["matched_item"]["id"] for m in body["matches"]] == [lost.json()["item"]["id"]]
    assert body["match_count"] == 1 and body["item"]["match_count"] == 1


async def test_a_late_analysis_answers_pending_and_the_matches_follow(
    client: httpx.AsyncClient, make_app: AppFactory, container: Container
) -> None:
    owner_photo, finder_photo = shots(12)
    loser, finder = await register(client), await register(client)
    lost = (await submit(client, loser, "lost", photo=owner_photo, **LOST)).json()
    async with make_app(match_wait_ms=0) as impatient, asgi_client(impatient) as fast:
        response = await submit(fast, finder, "found", photo=finder_photo, **LOST)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["matching"] == "pending" and body["matches"] == [] and body["match_count"] == 0
    assert body["item"]["analysis_status"] == "pending"
    found_id = body["item"]["id"]

    async def analysed() -> bool:
        item = (await client.get(f"/api/v1/items/{found_id}", headers=finder.headers)).json()
        return bool(item["analysis_status"] == "done")

    await wait_for(analysed, timeout=60)
    for account, mine, other in (
        (finder, found_id, lost["item"]["id"]),
        (loser, lost["item"]["id"], found_id),
    ):
        matches = await client.get(f"/api/v1/items/{mine}/matches", headers=account.headers)
        assert [m["matched_item"]["id"] for m in matches.json()["matches"]] == [other]
        notes = (await client.get("/api/v1/notifications", headers=account.headers)).json()
        assert [n["type"] for n in notes["notifications"]] == ["match"]


async def test_concurrent_reports_of_one_object_are_all_saved_and_matched(
    client: httpx.AsyncClient, container: Container
) -> None:
    """Eight owners report the same object at the same moment, matched by two worker
    processes at once against one found report: no deadlock, no lost report."""
    photos = shots(13, views=2)
    finder = await register(client)
    found = (await submit(client, finder, "found", photo=photos[1], **LOST)).json()["item"]
    losers = await asyncio.gather(*(register(client) for _ in range(8)))
    responses = await asyncio.gather(
        *(submit(client, loser, "lost", photo=photos[0], **LOST) for loser in losers)
    )
    assert [r.status_code for r in responses] == [201] * 8, [r.text for r in responses]
    assert {r.json()["matching"] for r in responses} == {"done"}
    pairs = await _count(
        container,
        select(func.count())
        .select_from(Match)
        .where(Match.matched_item_id == uuid.UUID(found["id"])),
    )
    assert pairs == 8
    item = (await client.get(f"/api/v1/items/{found['id']}")).json()
    assert item["match_count"] == 8
    finder_notes = await _count(
        container,
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == uuid.UUID(finder.id)),
    )
    assert finder_notes == 8


async def test_many_photo_submissions_at_once_are_all_stored(
    client: httpx.AsyncClient, container: Container
) -> None:
    users = await asyncio.gather(*(register(client) for _ in range(7)))
    kinds = ("lost", "found")
    responses = await asyncio.gather(
        *(
            submit(client, users[n % 7], kinds[n % 2], photo=images.jpeg(seed=5000 + n))
            for n in range(40)
        )
    )
    assert [r.status_code for r in responses] == [201] * 40, [r.text for r in responses[:3]]
    stored = await _count(
        container, select(func.count()).select_from(Item).where(Item.analysis_status == "done")
    )
    assert stored == 40


async def _pending_report(container: Container, owner: Account, key: str) -> uuid.UUID:
    """A stored report whose photo is not in storage (as after a storage mishap)."""
    async with container.sessionmaker() as session:
        item = report_row(owner.id, image_key=key)
        session.add(item)
        await session.flush()
        analysis_queue.enqueue_analysis(session, item.id)
        await session.commit()
        return item.id


async def _status(container: Container, item_id: uuid.UUID) -> tuple[str, str | None]:
    async with container.sessionmaker() as session:
        item = await session.get(Item, item_id, populate_existing=True)
        assert item is not None
        return item.analysis_status, item.analysis_error


async def test_a_photo_that_cannot_be_analysed_ends_failed_with_its_reason(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    item_id = await _pending_report(container, owner, f"items/{uuid.uuid4()}")

    async def finished() -> tuple[str, str | None] | None:
        state = await _status(container, item_id)
        return state if state[0] != "pending" else None

    assert await wait_for(finished, timeout=60) == ("failed", "photo_missing")
    item = (await client.get(f"/api/v1/items/{item_id}", headers=owner.headers)).json()
    assert item["analysis_status"] == "failed" and item["analysis_error"] == "photo_missing"
    assert await _count(container, select(func.count()).select_from(OutboxJob)) == 0


async def test_the_sweep_requeues_reports_left_without_a_job(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    item_id = await _pending_report(container, owner, f"items/{uuid.uuid4()}")

    async def failed() -> bool:
        return (await _status(container, item_id))[0] == "failed"

    await wait_for(failed, timeout=60)
    # As if the job had been lost: pending again, no job, for longer than the sweep waits.
    async with container.sessionmaker() as session:
        await session.execute(
            update(Item)
            .where(Item.id == item_id)
            .values(
                analysis_status="pending",
                analysis_error=None,
                created_at=datetime.now(UTC) - timedelta(hours=1),
            )
        )
        await session.commit()
    assert await analysis_queue.sweep_unanalysed(container.sessionmaker) == 1
    await wait_for(failed, timeout=60)
    assert await analysis_queue.sweep_unanalysed(container.sessionmaker) == 0


async def test_an_analysis_the_drain_gives_up_on_ends_failed(
    client: httpx.AsyncClient, container: Container
) -> None:
    # As a worker has it: the drain marks the report through the hook items registered.
    register_give_up_hooks()
    owner = await register(client)
    async with container.sessionmaker() as session:
        item = report_row(owner.id, image_key=f"items/{uuid.uuid4()}")
        session.add(item)
        await session.flush()
        job = outbox.add_job(session, ANALYSE_REPORT, {"item_id": str(item.id)}, -1)
        job.attempts = container.settings.outbox_max_attempts - 1
        await session.commit()
    assert await drain_outbox(container) == 1
    # Sent once more all the same: a worker that takes it skips a report no longer pending.
    assert await _status(container, item.id) == ("failed", "analysis_gave_up")


async def test_health_and_metrics_tell_a_stuck_analysis(
    client: httpx.AsyncClient, container: Container, vision_worker: WorkerProcess
) -> None:
    # The vision worker listens (it may still be starting when this test runs first).
    await running(vision_worker, container)
    container.vision_listeners.forget()
    assert (await client.get("/health")).json()["services"]["ai_worker"] == "healthy"
    owner = await register(client)
    await insert_report(
        container.sessionmaker, owner.id, created_at=datetime.now(UTC) - timedelta(hours=1)
    )
    health = await client.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["services"]["ai_worker"] == "unhealthy"
    metrics = (await client.get("/metrics")).text
    assert 'mafqood_queue_length{queue="analysis"} 1.0' in metrics
    oldest = next(
        line for line in metrics.splitlines() if line.startswith("mafqood_analysis_oldest")
    )
    assert float(oldest.split()[-1]) >= 3500


async def test_photos_of_a_report_that_never_committed_are_hidden_then_removed(
    client: httpx.AsyncClient, app: FastAPI, container: Container
) -> None:
    # What a process killed between writing the photo and committing the report leaves.
    base_key = f"items/{uuid.uuid4()}"
    async with container.sessionmaker() as session:
        guard_id = await guard_report_photo(session, base_key, grace_seconds=0)
    for key in photo_keys(base_key):
        await container.storage.put(key, images.jpeg(seed=1), "image/jpeg")
    assert (await client.get(f"/media/{base_key}.jpg")).status_code == 404
    assert (await client.get(f"/media/{base_key}_thumb.jpg")).status_code == 404
    async with container.sessionmaker() as session:
        assert await remove_orphan_photo(session, container.storage, guard_id) is True
    for key in photo_keys(base_key):
        assert not await container.storage.exists(key)


async def test_a_committed_report_keeps_its_photo_and_no_guard(
    client: httpx.AsyncClient, container: Container
) -> None:
    owner = await register(client)
    item = (await submit(client, owner, "lost")).json()["item"]
    assert (await client.get(item["image_url"].removeprefix("http://test"))).status_code == 200
    guards = await _count(
        container,
        select(func.count()).select_from(OutboxJob).where(OutboxJob.task == REMOVE_ORPHAN_PHOTO),
    )
    assert guards == 0


async def test_openapi_documents_the_pending_answer(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    submit_out = schemas["ItemSubmitOut"]
    assert "matching" in submit_out["required"]
    assert {e["matching"] for e in submit_out["examples"]} == {"done", "pending"}
    assert "analysis_status" in schemas["ItemOut"]["properties"]
