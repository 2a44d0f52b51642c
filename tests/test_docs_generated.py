"""The generated documents (docs/schema.md, the Postman collection) match the code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mafqood.core.db import Base
from mafqood.docs.generate import (
    POSTMAN_FILE,
    SCHEMA_FILE,
    openapi_document,
    postman_document,
    schema_document,
)
from mafqood.docs.postman import METHODS, SCHEMA_URL

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def collection() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(postman_document())
    return result


def _requests(collection: dict[str, Any]) -> list[dict[str, Any]]:
    return [request["request"] for folder in collection["item"] for request in folder["item"]]


def test_er_diagram_names_every_table_and_foreign_key() -> None:
    diagram = schema_document()
    assert "```mermaid\nerDiagram\n" in diagram
    for table in Base.metadata.tables.values():
        assert f"    {table.name} {{\n" in diagram
        for fk in table.foreign_key_constraints:
            relation = f' {table.name} : "{", ".join(fk.column_keys)}"\n'
            assert f"    {fk.referred_table.name} " in diagram
            assert relation in diagram, (table.name, fk.column_keys)


def test_er_diagram_holds_only_table_columns() -> None:
    # match_count is counted by a query (column_property), not stored.
    items = schema_document().split("    items {\n")[1].split("    }\n")[0]
    assert " match_count" not in items
    assert "        UUID id PK\n" in items
    assert "        UUID user_id FK\n" in items


def test_committed_schema_is_up_to_date() -> None:
    assert (DOCS / SCHEMA_FILE).read_text(encoding="utf-8") == schema_document(), (
        "run `mafqood docs`"
    )


def test_postman_collection_shape(collection: dict[str, Any]) -> None:
    assert collection["info"]["schema"] == SCHEMA_URL
    assert collection["auth"]["type"] == "bearer"
    assert {v["key"] for v in collection["variable"]} == {"baseUrl", "token"}
    assert all(folder["name"] and folder["item"] for folder in collection["item"])
    for request in _requests(collection):
        assert request["url"]["raw"].startswith("{{baseUrl}}/")


def test_one_request_per_operation(collection: dict[str, Any]) -> None:
    spec = openapi_document()
    operations = sorted(
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in METHODS
    )
    requests = sorted(
        (r["method"], "/" + "/".join(_template(part) for part in r["url"]["path"]))
        for r in _requests(collection)
    )
    assert len(requests) == len(operations)
    assert requests == operations


def _template(segment: str) -> str:
    """Postman's :name path variable as OpenAPI's {name}."""
    return "{" + segment[1:] + "}" if segment.startswith(":") else segment


def test_uploads_are_form_data_with_a_file(collection: dict[str, Any]) -> None:
    uploads = {
        "/".join(r["url"]["path"]): r["body"]
        for r in _requests(collection)
        if r.get("body", {}).get("mode") == "formdata"
    }
    files = {
        path: [field["key"] for field in body["formdata"] if field["type"] == "file"]
        for path, body in uploads.items()
    }
    assert files == {
        "api/v1/lost": ["image"],
        "api/v1/found": ["image"],
        "api/v1/upload/image": ["image"],
        "api/v1/items/:item_id/photos": ["image"],
        # A desk's intake: a JSON list of entries, each naming its photo's part.
        "api/v1/venues/:venue_id/items": ["p0"],
        # A message's photos, up to 3.
        "api/v1/threads/:thread_id/messages": ["photos"],
    }


def test_json_bodies_use_schema_examples(collection: dict[str, Any]) -> None:
    login = next(r for r in _requests(collection) if r["url"]["path"] == ["auth", "login"])
    assert json.loads(login["body"]["raw"]) == {
        "email": "user@example.com",
        "password": "SecurePassword123!",
    }
    item = next(r for r in _requests(collection) if r["url"]["path"][-1] == ":item_id")
    assert item["url"]["variable"][0]["key"] == "item_id"


def test_committed_collection_is_up_to_date() -> None:
    assert (DOCS / POSTMAN_FILE).read_text(encoding="utf-8") == postman_document(), (
        "run `mafqood docs`"
    )


def test_command_writes_the_documents(tmp_path: Path) -> None:
    postman = tmp_path / "api.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mafqood.cli",
            "docs",
            "--out",
            str(tmp_path),
            "--postman",
            str(postman),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert (tmp_path / SCHEMA_FILE).read_text(encoding="utf-8") == schema_document()
    assert json.loads(postman.read_text(encoding="utf-8"))["info"]["schema"] == SCHEMA_URL
