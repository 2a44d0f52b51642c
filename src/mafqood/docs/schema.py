"""The database schema as a Mermaid ER diagram, read from the SQLAlchemy metadata."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Column, ForeignKeyConstraint, MetaData, Table, UniqueConstraint
from sqlalchemy.dialects import postgresql

HEADER = """# Database schema

Generated from the SQLAlchemy models by `mafqood docs`; do not edit by hand (a test checks
that this file matches the models). Columns marked "nullable" may be NULL; relationship labels
name the foreign-key columns.

"""


def schema_markdown(metadata: MetaData) -> str:
    return f"{HEADER}```mermaid\n{er_diagram(metadata)}```\n"


def er_diagram(metadata: MetaData) -> str:
    tables = sorted(metadata.tables.values(), key=lambda table: table.name)
    lines = ["erDiagram"]
    for table in tables:
        lines.append(f"    {table.name} {{")
        lines.extend(f"        {_attribute(table, column)}" for column in table.columns)
        lines.append("    }")
    lines.extend(f"    {_relationship(fk)}" for table in tables for fk in _foreign_keys(table))
    return "\n".join(lines) + "\n"


def _foreign_keys(table: Table) -> list[ForeignKeyConstraint]:
    return sorted(table.foreign_key_constraints, key=lambda fk: list(fk.column_keys))


def _attribute(table: Table, column: Column[object]) -> str:
    keys = [
        key
        for key, present in (
            ("PK", column.primary_key),
            ("FK", bool(column.foreign_keys)),
            ("UK", _unique(table, [column.name]) and not column.primary_key),
        )
        if present
    ]
    parts = [_type(column), column.name]
    if keys:
        parts.append(", ".join(keys))
    if column.nullable and not column.primary_key:
        parts.append('"nullable"')
    return " ".join(parts)


def _type(column: Column[object]) -> str:
    # Mermaid takes one word of letters, digits, - _ ( ) [ ] as a type.
    compiled = column.type.compile(dialect=postgresql.dialect())  # type: ignore[no-untyped-call]
    return re.sub(r"\s+", "_", re.sub(r"\s*,\s*", "-", compiled))


def _unique(table: Table, names: Sequence[str]) -> bool:
    """Whether exactly these columns are unique (each value at most once in the table)."""
    wanted = set(names)
    if wanted == {column.name for column in table.primary_key.columns}:
        return True
    if len(names) == 1 and table.columns[names[0]].unique:
        return True
    unique_sets = [
        {column.name for column in constraint.columns}
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    unique_sets += [
        {column.name for column in index.columns} for index in table.indexes if index.unique
    ]
    return wanted in unique_sets


def _relationship(fk: ForeignKeyConstraint) -> str:
    """Parent on the left: exactly one when the child's columns are required, else zero or
    one; the child side holds at most one row when its columns are unique."""
    child = fk.table
    required = not any(column.nullable for column in fk.columns)
    parent_end = "||" if required else "|o"
    child_end = "o|" if _unique(child, fk.column_keys) else "o{"
    label = ", ".join(fk.column_keys)
    return f'{fk.referred_table.name} {parent_end}--{child_end} {child.name} : "{label}"'
