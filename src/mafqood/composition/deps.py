"""The whole process container as a dependency, for the adapters that need several of its
objects at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mafqood.composition.container import Container


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]
