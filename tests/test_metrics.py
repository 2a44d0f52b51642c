"""GET /metrics: Prometheus text with request counts and latency by route template, model
inference time, queue length, matches, upload outcomes and database pool gauges."""

from __future__ import annotations

import uuid

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from mafqood.composition.container import Container
from mafqood.observability.metrics import observe_inference
from mafqood.worker.app import QUEUE
from mafqood.worker.outbox import OutboxJob
from tests import images
from tests.conftest import AppFactory, asgi_client
from tests.factories import create_item, pin_match, register

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_requests_are_counted_and_timed_by_route_template(
    client: httpx.AsyncClient,
) -> None:
    before = await scrape(client)
    owner = await register(client)
    item = await create_item(client, owner, "found")
    for _ in range(3):
        await client.get(f"/api/v1/items/{item['id']}")
    await client.get(f"/api/v1/items/{uuid.uuid4()}")
    await client.get("/no/such/page")
    after = await scrape(client)
    route = "/api/v1/items/{item_id}"
    ok = dict(method="GET", route=route, status="200")
    assert (
        value(after, "mafqood_http_requests_total", **ok)
        - value(before, "mafqood_http_requests_total", **ok)
        == 3
    )
    missing = dict(method="GET", route=route, status="404")
    assert value(after, "mafqood_http_requests_total", **missing) >= 1
    unmatched = dict(method="GET", route="unmatched", status="404")
    assert value(after, "mafqood_http_requests_total", **unmatched) >= 1
    # No series per raw path.
    assert not any(item["id"] in str(labels) for _, labels in after)
    count = ("mafqood_http_request_duration_seconds_count", (("method", "GET"), ("route", route)))
    assert after[count] - before.get(count, 0) == 4
    bucket = dict(method="GET", route=route, le="+Inf")
    assert value(after, "mafqood_http_request_duration_seconds_bucket", **bucket) >= 4


async def test_upload_outcomes_and_inference_time(client: httpx.AsyncClient) -> None:
    account = await register(client)
    before = await scrape(client)
    good = await client.post(
        "/api/v1/upload/image",
        files={"image": ("a.jpg", images.jpeg(seed=3), "image/jpeg")},
        headers=account.headers,
    )
    assert good.status_code == 201
    bad = await client.post(
        "/api/v1/upload/image",
        files={"image": ("a.jpg", b"this is not a photo", "image/jpeg")},
        headers=account.headers,
    )
    assert bad.status_code == 415
    with observe_inference("test-model"):
        pass
    after = await scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("mafqood_image_uploads_total", outcome="success") == 1
    assert delta("mafqood_image_uploads_total", outcome="failure") == 1
    assert delta("mafqood_image_upload_failures_total", reason="unsupported_image") == 1
    assert delta("mafqood_model_inference_seconds_count", model="test-model") == 1


async def test_queue_length_matches_and_pool_gauges(
    client: httpx.AsyncClient, container: Container
) -> None:
    loser, finder = await register(client), await register(client)
    lost = await create_item(client, loser, "lost")
    found = await create_item(client, finder, "found")
    await pin_match(container.sessionmaker, lost["id"], found["id"], 0.8, "medium")
    async with container.sessionmaker() as session:
        outbox = await session.scalar(select(func.count()).select_from(OutboxJob))
    await container.redis.rpush(QUEUE, "job-1", "job-2")
    samples = await scrape(client)
    assert value(samples, "mafqood_matches", status="pending") == 1
    assert value(samples, "mafqood_matches", status="rejected") == 0
    assert value(samples, "mafqood_matches_created_last_24h") == 1
    assert value(samples, "mafqood_queue_length", queue="celery") >= 2
    assert value(samples, "mafqood_queue_length", queue="outbox") == outbox
    assert ("mafqood_db_pool_connections", (("state", "idle"),)) in samples
    assert ("mafqood_http_requests_in_flight", ()) in samples
    await container.redis.delete(QUEUE)


async def test_metrics_can_require_a_token_and_stay_out_of_the_api_schema(
    make_app: AppFactory, client: httpx.AsyncClient
) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "/metrics" not in schema["paths"]
    async with make_app(metrics_token="scrape-secret") as app, asgi_client(app) as guarded:
        assert (await guarded.get("/metrics")).status_code == 401
        wrong = await guarded.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = await guarded.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert right.status_code == 200 and "mafqood_http_requests_total" in right.text
    async with make_app(metrics_enabled=False) as app, asgi_client(app) as hidden:
        assert (await hidden.get("/metrics")).status_code == 404
