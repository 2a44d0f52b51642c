"""The composition's Container provides everything each domain declares it uses (its port),
so a domain never needs to import the composition."""

from __future__ import annotations

import pytest
from typing_extensions import get_protocol_members

from mafqood.auth.ports import AuthServices
from mafqood.composition.container import Container
from mafqood.desk.ports import IntakeServices
from mafqood.health.ports import MetricsServices, ProbedServices
from mafqood.items.ports import PhotoServices
from mafqood.lifecycle.ports import NoticeServices
from mafqood.matching.ports import SubmissionServices, VisionServices
from mafqood.notifications.ports import DeliveryServices
from mafqood.ratelimit.ports import LimitServices
from mafqood.realtime.ports import SocketServices

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
]


@pytest.mark.parametrize("port", PORTS, ids=lambda port: port.__name__)
def test_the_container_provides_every_port(port: type) -> None:
    members = get_protocol_members(port)
    assert members
    missing = [
        name
        for name in members
        if name not in Container.__dataclass_fields__ and not hasattr(Container, name)
    ]
    assert missing == []
