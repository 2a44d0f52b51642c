"""Resolves where PostgreSQL and Redis are: the configured servers, or embedded ones."""

from __future__ import annotations

import os
from dataclasses import dataclass

import structlog

from mafqood.core.config import Settings
from mafqood.core.embedded import EmbeddedRedis, start_postgres
from mafqood.migrations import upgrade_to_head

log = structlog.get_logger(__name__)


@dataclass
class Runtime:
    database_url: str
    redis_url: str
    embedded_redis: EmbeddedRedis | None = None

    def stop(self) -> None:
        if self.embedded_redis is not None:
            self.embedded_redis.stop()


def prepare_runtime(settings: Settings, *, export_env: bool = False) -> Runtime:
    """Start what is not configured, migrate the database to the latest schema.

    With export_env the URLs are put in the environment, so that child processes
    (API server, workers) use the same servers.
    """
    database_url = settings.database_url
    if not database_url:
        database_url = start_postgres(
            settings.data_dir / "postgres", settings.embedded_postgres_shared_buffers
        )
        log.info("embedded_postgres_started", url=database_url)
    embedded_redis = None
    redis_url = settings.redis_url
    if not redis_url:
        embedded_redis = EmbeddedRedis(settings.data_dir / "redis")
        redis_url = embedded_redis.url
        log.info("embedded_redis_started", url=redis_url)
    upgrade_to_head(database_url)
    if export_env:
        os.environ["DATABASE_URL"] = database_url
        os.environ["REDIS_URL"] = redis_url
    return Runtime(database_url, redis_url, embedded_redis)
