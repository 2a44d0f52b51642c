"""Sends task messages to the workers from any process, by task name."""

from __future__ import annotations

import asyncio
from functools import cached_property
from typing import Any

import structlog
from celery import Celery

from mafqood.core.config import Settings

log = structlog.get_logger(__name__)

# Fail fast when the broker is down: the outbox keeps the job, the drain sends it later.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


class TaskSender:
    def __init__(self, settings: Settings, broker_url: str) -> None:
        self.settings = settings
        self.broker_url = broker_url

    @cached_property
    def celery(self) -> Celery:
        from mafqood.worker.app import create_celery

        return create_celery(self.settings, self.broker_url)

    def send_now(self, task: str, args: list[Any], kwargs: dict[str, Any] | None = None) -> None:
        """Blocking; raises when the broker cannot be reached."""
        self.celery.send_task(
            task, args=args, kwargs=kwargs or {}, retry=True, retry_policy=RETRY_POLICY
        )

    async def send(self, task: str, args: list[Any], kwargs: dict[str, Any] | None = None) -> bool:
        # kombu's client is blocking; keep the event loop free.
        try:
            await asyncio.to_thread(self.send_now, task, args, kwargs)
        except Exception as exc:
            log.warning("task_not_sent", task=task, error=str(exc))
            return False
        return True

    def close(self) -> None:
        if "celery" in self.__dict__:
            self.celery.close()
