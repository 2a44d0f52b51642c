"""The desk's request dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mafqood.core.web import process_container
from mafqood.desk.ports import IntakeServices

IntakeServicesDep = Annotated[IntakeServices, Depends(process_container)]
