"""What tasks use of the process's shared objects (the worker's builder makes them; the
composition's provide every port, a test checks it)."""

from __future__ import annotations

from typing import Protocol

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker

from mafqood.core.config import Settings
from mafqood.core.mail import MailSender
from mafqood.core.unit_of_work import TaskQueue, UnitOfWork


class TaskServices(Protocol):
    """What most tasks need: the settings and units of work. A task that needs more declares
    a port that extends this one."""

    @property
    def settings(self) -> Settings: ...
    @property
    def sessionmaker(self) -> async_sessionmaker[UnitOfWork]: ...


class OutboxServices(TaskServices, Protocol):
    @property
    def tasks(self) -> TaskQueue: ...


class MailServices(TaskServices, Protocol):
    @property
    def mail(self) -> MailSender: ...


class PingServices(Protocol):
    @property
    def redis(self) -> Redis: ...
