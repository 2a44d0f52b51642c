"""The Celery application: Redis as broker, tasks in mafqood.worker.tasks and each domain's
tasks.py, the beat schedule.

Workers and beat run it with `mafqood worker` / `mafqood beat` (or `celery -A
mafqood.worker.app beat`); a worker needs the builder of its shared objects, which `mafqood
worker` installs (see runtime.py). API processes only send messages, by task name.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_init

from mafqood.core.config import Settings, get_settings
from mafqood.worker import runtime

QUEUE = "mafqood"
# Model work (photo analysis, matching, reindexing) has its own queue and workers, so that a
# burst of reports never delays mail and notifications, and vision scales on its own.
VISION_QUEUE = "vision"

# Task names, shared by senders (which never import the task code) and the worker.
DELIVER_NOTIFICATION = "mafqood.deliver_notification"
SEND_MAIL = "mafqood.send_mail"
DRAIN_OUTBOX = "mafqood.drain_outbox"
EXPIRE_NOTIFICATIONS = "mafqood.expire_notifications"
EXPIRE_MATCHES = "mafqood.expire_matches"
DELETE_TEMP_UPLOADS = "mafqood.delete_temp_uploads"
PURGE_REFRESH_TOKENS = "mafqood.purge_refresh_tokens"
PING = "mafqood.ping"
ANALYSE_REPORT = "mafqood.analyse_report"
REINDEX = "mafqood.reindex"
SWEEP_UNANALYSED = "mafqood.sweep_unanalysed"
REMOVE_ORPHAN_PHOTO = "mafqood.remove_orphan_photo"
REDACT_PHOTOS = "mafqood.redact_photos"
RETENTION_NOTICES = "mafqood.retention_notices"
PURGE_ENDED_THREADS = "mafqood.purge_ended_threads"
PURGE_WEB_REPORTS = "mafqood.purge_web_reports"
VISION_TASKS = (ANALYSE_REPORT, REINDEX, REDACT_PHOTOS)

# Other domains may keep their own tasks in <package>/tasks.py; the worker loads them.
TASK_PACKAGES = [
    "mafqood.auth",
    "mafqood.items",
    "mafqood.lifecycle",
    "mafqood.matching",
    "mafqood.messaging",
    "mafqood.notifications",
    "mafqood.photos",
    "mafqood.public",
]


def broker_url_for(settings: Settings) -> str:
    return settings.broker_url or settings.redis_url or "redis://127.0.0.1:6379/0"


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    def every(task: str, interval: timedelta) -> dict[str, Any]:
        # A periodic message that waits longer than its period is stale: the next one
        # does the same work, so messages do not pile up while no worker runs.
        return {
            "task": task,
            "schedule": interval,
            "options": {"expires": interval.total_seconds()},
        }

    hourly = timedelta(hours=1)
    return {
        "drain-outbox": every(
            DRAIN_OUTBOX, timedelta(seconds=settings.outbox_drain_interval_seconds)
        ),
        "expire-notifications": every(EXPIRE_NOTIFICATIONS, hourly),
        "expire-stale-matches": every(EXPIRE_MATCHES, hourly),
        "delete-temporary-uploads": every(DELETE_TEMP_UPLOADS, hourly),
        "purge-refresh-tokens": every(PURGE_REFRESH_TOKENS, timedelta(hours=6)),
        "purge-web-reports": every(PURGE_WEB_REPORTS, hourly),
        "sweep-unanalysed-reports": every(SWEEP_UNANALYSED, timedelta(minutes=5)),
        "purge-ended-threads": every(PURGE_ENDED_THREADS, hourly),
        # 06:00 UTC (10:00 in the Gulf), as desks open; a run missed one day is made up
        # by the next (a notice covers every item due since the previous one).
        "retention-notices": {
            "task": RETENTION_NOTICES,
            "schedule": crontab(hour=6, minute=0),
            "options": {"expires": timedelta(hours=12).total_seconds()},
        },
    }


def create_celery(settings: Settings | None = None, broker_url: str | None = None) -> Celery:
    settings = settings or get_settings()
    celery = Celery("mafqood", broker=broker_url or broker_url_for(settings))
    celery.conf.update(
        task_default_queue=QUEUE,
        task_routes={name: {"queue": VISION_QUEUE} for name in VISION_TASKS},
        task_serializer="json",
        accept_content=["json"],
        # Results are never read: the database is where work lands.
        task_ignore_result=True,
        # A task is acknowledged once it finished, so a worker that dies mid-task leaves its
        # message to be delivered again (tasks are idempotent; the outbox covers the rest).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        broker_transport_options={"visibility_timeout": 3600, "socket_connect_timeout": 3},
        worker_hijack_root_logger=False,
        # Our structured log lines go to stdout as they are.
        worker_redirect_stdouts=False,
        worker_send_task_events=False,
        timezone="UTC",
        enable_utc=True,
        beat_schedule=beat_schedule(settings),
    )
    return celery


app = create_celery()
app.conf.include = ["mafqood.worker.tasks"]
app.autodiscover_tasks(TASK_PACKAGES, related_name="tasks")
# Before the worker takes a message: a worker without its builder stops at start.
worker_init.connect(runtime.require_builder, weak=False)
