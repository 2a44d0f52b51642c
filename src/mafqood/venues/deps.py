"""The venue workspace's request dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mafqood.core.web import process_container
from mafqood.venues.ports import MembershipServices

MembershipServicesDep = Annotated[MembershipServices, Depends(process_container)]
