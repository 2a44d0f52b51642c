"""The composition's Container provides everything each domain declares it uses (its port),
so a domain never needs to import the composition; a worker's shared objects provide what
each task declares it uses."""

from __future__ import annotations

import pytest
from typing_extensions import get_protocol_members

from mafqood.auth.ports import AuthServices
from mafqood.composition.container import Container
from mafqood.composition.worker import WorkerServices
from mafqood.desk.ports import IntakeServices
from mafqood.health.ports import MetricsServices, ProbedServices
from mafqood.items.ports import PhotoServices
from mafqood.lifecycle.ports import NoticeServices
from mafqood.matching.ports import SubmissionServices, VisionServices
from mafqood.notifications.ports import DeliveryServices, PushDeliveryServices
from mafqood.photos.ports import PhotoStoreServices
from mafqood.public.ports import PublicServices
from mafqood.ratelimit.ports import LimitServices
from mafqood.realtime.ports import SocketServices
from mafqood.venues.ports import MembershipServices
from mafqood.worker.ports import MailServices, OutboxServices, PingServices, TaskServices

PORTS = [
    AuthServices,
    SocketServices,
    ProbedServices,
    LimitServices,
    DeliveryServices,
    VisionServices,
    MetricsServices,
    IntakeServices,
    NoticeServices,
    PhotoServices,
    SubmissionServices,
    MembershipServices,
    PublicServices,
]
# What the tasks run by a worker use (worker/background.py passes them its shared objects).
TASK_PORTS = [
    TaskServices,
    OutboxServices,
    MailServices,
    PingServices,
    PushDeliveryServices,
    PhotoStoreServices,
    VisionServices,
    NoticeServices,
]


def _missing(port: type, provider: type) -> list[str]:
    members = get_protocol_members(port)
    assert members
    return [
        name
        for name in members
        if name not in provider.__dataclass_fields__ and not hasattr(provider, name)
    ]


@pytest.mark.parametrize("port", PORTS, ids=lambda port: port.__name__)
def test_the_container_provides_every_port(port: type) -> None:
    assert _missing(port, Container) == []


@pytest.mark.parametrize("port", TASK_PORTS, ids=lambda port: port.__name__)
def test_a_workers_objects_provide_every_task_port(port: type) -> None:
    assert _missing(port, WorkerServices) == []
