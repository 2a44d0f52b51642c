"""The long-lived objects one process shares, built at start-up (kept on app.state in an API
process; a worker's, with its push client, are in composition/worker.py)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Self

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from mafqood.core.answer_cache import AnswerCache
from mafqood.core.config import Settings
from mafqood.core.db import make_engine
from mafqood.core.mail import MailSender, make_mail_sender
from mafqood.core.redis_client import redis_client
from mafqood.core.unit_of_work import UnitOfWork, make_unit_of_work_factory
from mafqood.health.ports import Probe, ProbeResult
from mafqood.photos.screening import PhotoScreening
from mafqood.ratelimit.limiter import RateLimiter
from mafqood.ratelimit.rules import Rules
from mafqood.realtime.bus import EventBus
from mafqood.realtime.hub import ConnectionHub
from mafqood.storage import Storage, make_storage
from mafqood.users.passwords import PasswordHasher
from mafqood.users.tokens import TokenService
from mafqood.venues.access import is_desk_member
from mafqood.worker.app import VISION_QUEUE
from mafqood.worker.listeners import QueueListeners
from mafqood.worker.sender import TaskSender

if TYPE_CHECKING:
    from mafqood.vision import VisionPipeline


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[UnitOfWork]
    redis: Redis
    tokens: TokenService
    passwords: PasswordHasher
    mail: MailSender
    storage: Storage
    redis_url: str
    # Real-time events: `bus` publishes (any process), `hub` holds this process's sockets.
    bus: EventBus
    hub: ConnectionHub
    # Sends background tasks to the workers.
    tasks: TaskSender
    # Abuse limits (counted in Redis) and the screening of uploaded photos.
    rate_limiter: RateLimiter
    rate_rules: Rules
    photo_screening: PhotoScreening
    # Health probes that other parts register: name -> (probe, required).
    extra_probes: dict[str, tuple[Probe, bool]] = field(default_factory=dict)
    # Who consumes the vision queue, as the workers answer (for /health's "ai_worker").
    vision_listeners: QueueListeners = field(init=False)
    # Anonymous browse pages, encoded, for settings.browse_cache_seconds.
    browse_cache: AnswerCache = field(init=False)
    started_at: float = field(default_factory=time.monotonic)
    vision_seen: bool = False

    def __post_init__(self) -> None:
        self.vision_listeners = QueueListeners(lambda: self.tasks.celery, VISION_QUEUE)
        self.browse_cache = AnswerCache(self.settings.browse_cache_seconds)

    @property
    def events(self) -> EventBus:
        return self.bus

    # Sign-in asks it for the access token's `desk` claim; venues answer, so auth needn't
    # import them.
    is_desk_member = staticmethod(is_desk_member)

    @property
    def vision(self) -> VisionPipeline:
        """Loaded on first use, shared by the whole process. Only vision workers and the
        command line use it: API processes never run a model, and never import one (the
        import is here, not at the top, for that reason)."""
        from mafqood.matching.models_loader import pipeline_for

        return pipeline_for(self.settings)

    @classmethod
    def build(cls, settings: Settings, database_url: str, redis_url: str) -> Self:
        engine = make_engine(
            database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout_seconds,
        )
        storage = make_storage(settings)
        redis = redis_client(redis_url, socket_timeout=5, socket_connect_timeout=2)
        container = cls(
            settings=settings,
            engine=engine,
            sessionmaker=make_unit_of_work_factory(engine),
            redis=redis,
            tokens=TokenService(
                settings.signing_key(),
                access_ttl=timedelta(seconds=settings.access_token_ttl_seconds),
                refresh_ttl=timedelta(days=settings.refresh_token_ttl_days),
                reset_ttl=timedelta(seconds=settings.password_reset_ttl_seconds),
            ),
            passwords=PasswordHasher(settings.bcrypt_rounds),
            mail=make_mail_sender(settings),
            storage=storage,
            redis_url=redis_url,
            bus=EventBus(redis),
            hub=ConnectionHub(redis_url),
            tasks=TaskSender(settings, settings.broker_url or redis_url),
            rate_limiter=RateLimiter(redis),
            rate_rules=Rules(settings),
            photo_screening=PhotoScreening.configured(settings),
        )
        # Services reach post-commit work (events, background tasks) through their session.
        container.sessionmaker.configure(effects=container)
        # The spec's health shape calls photo storage "s3" whatever the backend.
        container.extra_probes["s3"] = (storage.healthy, True)
        # The spec calls the vision workers "ai_worker". None listening, or reports waiting
        # too long for them, degrade the service (reports are still taken, their matches come
        # late); while they start, the service is healthy.
        container.extra_probes["ai_worker"] = (container.vision_workers, False)
        return container

    async def vision_workers(self) -> ProbeResult:
        """Healthy when a vision worker listens on the vision queue and keeps up; "starting"
        while none has listened yet, for at most VISION_START_GRACE_SECONDS after this
        process started; "down" otherwise."""
        if await self.vision_listeners.count():
            self.vision_seen = True
            return await self.analysis_keeping_up()
        young = time.monotonic() - self.started_at < self.settings.vision_start_grace_seconds
        return "starting" if young and not self.vision_seen else "down"

    async def analysis_keeping_up(self) -> bool:
        """No report has waited for its analysis longer than ANALYSIS_DEGRADED_AFTER_SECONDS."""
        from mafqood.matching.backlog import analysis_backlog

        async with self.sessionmaker() as session:
            backlog = await analysis_backlog(session)
        return backlog.oldest_seconds <= self.settings.analysis_degraded_after_seconds

    async def prepare(self) -> None:
        """Start-up work that needs the event loop."""
        from mafqood.photos.placeholder import ensure_placeholder
        from mafqood.storage import S3Storage

        if isinstance(self.storage, S3Storage):
            await self.storage.ensure_bucket()
        await ensure_placeholder(self.storage)

    async def close(self) -> None:
        self.tasks.close()
        # Shutdown must finish even when a server stopped answering.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.redis.aclose(), 2.0)
        await self.engine.dispose()
