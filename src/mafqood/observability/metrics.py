"""The service's Prometheus metrics.

Counters and histograms are updated where things happen; gauges that describe shared state
(queue length, matches, outbox, connection pool) are read when /metrics is scraped, so that
every API process reports the same truth whichever process served the scrape.

With several server processes (uvicorn --workers N), set PROMETHEUS_MULTIPROC_DIR to an empty
directory: each process then writes its values there and /metrics adds them up.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "mafqood_http_requests_total",
    "HTTP requests answered, by route template, method and status code.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "mafqood_http_request_duration_seconds",
    "Time from receiving a request to the end of its response, by route template.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
HTTP_IN_FLIGHT = Gauge(
    "mafqood_http_requests_in_flight",
    "Requests being served right now.",
    multiprocess_mode="livesum",
)
MODEL_INFERENCE = Histogram(
    "mafqood_model_inference_seconds",
    "Time spent in one model call (embedding, detection, screening...).",
    ["model"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
IMAGE_UPLOADS = Counter(
    "mafqood_image_uploads_total",
    "Photo uploads (reports and standalone uploads) by outcome: success or failure.",
    ["outcome"],
)
IMAGE_UPLOAD_FAILURES = Counter(
    "mafqood_image_upload_failures_total",
    "Photo uploads that failed, by error code (unsupported_image, image_too_large, ...).",
    ["reason"],
)
RATE_LIMITED = Counter(
    "mafqood_rate_limited_total", "Requests refused by an abuse limit.", ["rule"]
)
OVERLOAD_REJECTIONS = Counter(
    "mafqood_overload_rejections_total",
    "Requests answered 503 because no database connection was free in time.",
)
ITEM_REPORTS = Counter("mafqood_item_reports_total", "Items reported by users.")
ITEMS_HIDDEN = Counter(
    "mafqood_items_hidden_total", "Items hidden because enough different users reported them."
)
QUEUE_LENGTH = Gauge(
    "mafqood_queue_length",
    "Background jobs waiting: 'celery' and 'vision' are broker queues, 'outbox' the jobs "
    "not yet done, 'analysis' the reports waiting for a vision worker.",
    ["queue"],
    multiprocess_mode="mostrecent",
)
ANALYSIS_OLDEST = Gauge(
    "mafqood_analysis_oldest_pending_seconds",
    "Age of the oldest report waiting for its analysis (0 when none waits).",
    multiprocess_mode="mostrecent",
)
MATCHES = Gauge(
    "mafqood_matches",
    "Matches in the database by status (all ever created, less deleted items' matches).",
    ["status"],
    multiprocess_mode="mostrecent",
)
MATCHES_CREATED_24H = Gauge(
    "mafqood_matches_created_last_24h",
    "Matches created in the last 24 hours.",
    multiprocess_mode="mostrecent",
)
DEPENDENCY_UP = Gauge(
    "mafqood_dependency_up",
    "1 when the service (database, redis, s3) answered its health probe at the last scrape.",
    ["service"],
    multiprocess_mode="mostrecent",
)
STORAGE_USED = Gauge(
    "mafqood_storage_used_ratio",
    "Share of the photo storage's disk in use (local storage only; a bucket has no size).",
    multiprocess_mode="mostrecent",
)
# The key metrics of the admin statistics over the last 30 days (docs/operations.md).
ACTIVE_USERS = Gauge(
    "mafqood_active_users",
    "Users who signed in, renewed a session, posted a report or answered a match, by window.",
    ["window"],
    multiprocess_mode="mostrecent",
)
KEY_COUNTS_30D = Gauge(
    "mafqood_last_30d",
    "Events of the last 30 days: registrations, lost_posted, found_posted, items_closed, "
    "items_claimed (of the items posted), matches_shown, matches_confirmed, matches_rejected, "
    "reunions.",
    ["event"],
    multiprocess_mode="mostrecent",
)
DELAY_30D = Gauge(
    "mafqood_time_to_seconds",
    "Seconds from posting to the first match (first_match) or to both owners' yes (reunion), "
    "average or median, for the items posted in the last 30 days (0 when none got there).",
    ["step", "statistic"],
    multiprocess_mode="mostrecent",
)
MATCH_RATES_30D = Gauge(
    "mafqood_match_rate",
    "Of the matches created in the last 30 days: acceptance (both yes / shown) and "
    "false_positive (rejected / answered).",
    ["rate"],
    multiprocess_mode="mostrecent",
)
DB_POOL = Gauge(
    "mafqood_db_pool_connections",
    "Database connections of this process's pool: checked_out or idle.",
    ["state"],
    multiprocess_mode="livesum",
)


@contextmanager
def observe_inference(model: str) -> Iterator[None]:
    """Time one model call: `with observe_inference("efficientnet-lite0"): ...`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        MODEL_INFERENCE.labels(model=model).observe(time.perf_counter() - started)


def render() -> tuple[bytes, str]:
    """The exposition text of this process, or of all processes in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
