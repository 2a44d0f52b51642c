"""Request dependencies every domain's routers share; nothing here knows a domain.

The process's shared objects are built by the composition at start-up and kept on
`app.state.container`; a domain reaches one of them through `process_object`, by name, in a
typed alias of its own (e.g. the users package's `TokensDep`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker

from mafqood.core.config import Settings
from mafqood.core.unit_of_work import UnitOfWork, unit_of_work_scope


def process_object(name: str) -> Callable[[Request], Coroutine[Any, Any, Any]]:
    # Dependencies here are async although they do no I/O: FastAPI runs a plain function
    # dependency in a worker thread, which cost more than the whole lookup.
    async def shared(request: Request) -> Any:
        return getattr(request.app.state.container, name)

    shared.__name__ = f"process_{name}"
    return shared


async def get_unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    async for uow in unit_of_work_scope(request.app.state.container.sessionmaker):
        yield uow


# scope="function": commit before the response is sent, so a client never sees success
# for a write that did not land.
SessionDep = Annotated[UnitOfWork, Depends(get_unit_of_work, scope="function")]
SettingsDep = Annotated[Settings, Depends(process_object("settings"))]
# For a read that may not need the database at all (an answer kept in a cache): it opens a
# unit of work only when it does, instead of one for every request.
SessionsDep = Annotated[async_sessionmaker[UnitOfWork], Depends(process_object("sessionmaker"))]


async def process_container(request: Request) -> Any:
    """All of the process's shared objects. A domain that needs several of them declares
    which as a Protocol of its own (its port) and types this dependency with it."""
    return request.app.state.container


def json_answer(answer: BaseModel) -> Response:
    """An answer the code built itself (model_construct from rows), encoded once by pydantic:
    the same JSON FastAPI writes for a response_model (datetimes with Z, compact, UTF-8), but
    without FastAPI dumping it to dicts and validating them again, which for a page of items
    cost more CPU than building it. The route keeps response_model for the documentation."""
    return json_body(answer.model_dump_json().encode())


def json_body(body: bytes) -> Response:
    return Response(body, media_type="application/json")
