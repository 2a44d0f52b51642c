"""Running a migration's SQL script."""

from __future__ import annotations

from alembic import op


def execute_script(script: str) -> None:
    """One statement per call: asyncpg refuses several in one prepared statement."""
    for statement in script.split(";\n"):
        if statement.strip():
            op.execute(statement)
