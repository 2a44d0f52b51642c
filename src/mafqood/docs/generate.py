"""`mafqood docs`: writes the generated documents into docs/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mafqood.models  # noqa: F401  (registers every table on the metadata)
from mafqood.core.config import Settings
from mafqood.core.db import Base
from mafqood.docs.postman import postman_collection
from mafqood.docs.schema import schema_markdown
from mafqood.main import create_app

SCHEMA_FILE = "schema.md"
POSTMAN_FILE = "mafqood.postman_collection.json"


def schema_document() -> str:
    return schema_markdown(Base.metadata)


def openapi_document() -> dict[str, Any]:
    # The API as `make run` serves it (development includes DELETE /api/reset); settings
    # are given in full so that a local .env cannot change the documents.
    settings = Settings(_env_file=None, environment="development", secret_key="x" * 40)
    return create_app(settings).openapi()


def postman_document() -> str:
    collection = postman_collection(openapi_document())
    return json.dumps(collection, indent=2, ensure_ascii=False) + "\n"


def write_docs(out_dir: Path, postman_path: Path | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    schema_path = out_dir / SCHEMA_FILE
    postman_path = postman_path or out_dir / POSTMAN_FILE
    schema_path.write_text(schema_document(), encoding="utf-8")
    postman_path.write_text(postman_document(), encoding="utf-8")
    return [schema_path, postman_path]
