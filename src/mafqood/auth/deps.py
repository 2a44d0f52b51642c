"""What the sign-in routes and pages take of the process (the signed-in user's own
dependencies are users.deps)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mafqood.auth.ports import AuthServices
from mafqood.core.web import process_container

AuthServicesDep = Annotated[AuthServices, Depends(process_container)]
