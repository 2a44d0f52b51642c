"""The process's photo storage as a request dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mafqood.core.web import process_object
from mafqood.storage.base import Storage

StorageDep = Annotated[Storage, Depends(process_object("storage"))]
