"""The models and the migrations describe the same tables and columns."""

from __future__ import annotations

import warnings
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.exc import SAWarning

from mafqood.composition.container import Container
from mafqood.models import Base

# Indexes and constraints are written in the migrations only (see 0001); compare the shape.
COMPARED = {"add_table", "remove_table", "add_column", "remove_column"}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    found = []
    with warnings.catch_warnings():
        # earthdistance's `earth` (items.earth_point) is reflected without a Python type.
        warnings.filterwarnings("ignore", "Did not recognize type 'cube'", SAWarning)
        differences = compare_metadata(context, Base.metadata)
    for diff in differences:
        entries = diff if isinstance(diff, list) else [diff]
        for entry in entries:
            kind = entry[0]
            if kind in COMPARED or kind in {"modify_type", "modify_nullable"}:
                if kind == "remove_table" and entry[1].name == "alembic_version":
                    continue
                found.append(entry)
    return found


async def test_models_match_migrations(container: Container) -> None:
    async with container.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    readable = [
        (d[0], d[2], d[3], str(d[5]), str(d[6])) if d[0].startswith("modify") else d
        for d in differences
    ]
    assert readable == []
