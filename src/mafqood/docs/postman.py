"""A Postman collection (v2.1) made from the OpenAPI document: one folder per tag, one request
per operation, with example bodies, so that the collection always matches the API."""

from __future__ import annotations

import json
import re
from typing import Any

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
BASE_URL = "http://127.0.0.1:8001"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# Placeholders for values whose schema gives no example, by JSON Schema type or format.
PLACEHOLDERS: dict[str, Any] = {
    "date-time": "2025-01-15T14:30:00Z",
    "email": "user@example.com",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "string": "string",
    "integer": 0,
    "number": 0,
    "boolean": False,
}

Spec = dict[str, Any]
Schema = dict[str, Any]


def postman_collection(spec: Spec) -> dict[str, Any]:
    folders: dict[str, list[dict[str, Any]]] = {}
    for path, operations in spec["paths"].items():
        for method in METHODS:
            if method in operations:
                operation = operations[method]
                tag = operation.get("tags", ["default"])[0]
                folders.setdefault(tag, []).append(_request(spec, path, method, operation))
    return {
        "info": {
            "name": spec["info"]["title"],
            "description": f"Generated from the OpenAPI document (version "
            f"{spec['info']['version']}) by `mafqood docs`. Set `baseUrl`, and `token` to "
            "the access_token of POST /auth/login.",
            "schema": SCHEMA_URL,
        },
        "item": [{"name": tag, "item": requests} for tag, requests in folders.items()],
        "auth": {
            "type": "bearer",
            "bearer": [{"key": "token", "value": "{{token}}", "type": "string"}],
        },
        "variable": [{"key": "baseUrl", "value": BASE_URL}, {"key": "token", "value": ""}],
    }


def _request(spec: Spec, path: str, method: str, operation: dict[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method.upper(), "header": []}
    if "description" in operation:
        request["description"] = operation["description"]
    body = _body(spec, operation.get("requestBody", {}).get("content", {}))
    if body is not None:
        request["body"] = body
        if body["mode"] == "raw":
            request["header"].append({"key": "Content-Type", "value": "application/json"})
    request["url"] = _url(spec, path, operation.get("parameters", []))
    # Requests inherit the collection's bearer token; public ones send none.
    if not operation.get("security"):
        request["auth"] = {"type": "noauth"}
    return {"name": operation.get("summary", operation["operationId"]), "request": request}


def _url(spec: Spec, path: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    segments = [re.sub(r"^\{(\w+)\}$", r":\1", part) for part in path.strip("/").split("/")]
    query = [_query_parameter(spec, p) for p in parameters if p["in"] == "query"]
    enabled = [f"{q['key']}={q['value']}" for q in query if not q.get("disabled")]
    raw = "{{baseUrl}}/" + "/".join(segments) + (f"?{'&'.join(enabled)}" if enabled else "")
    url: dict[str, Any] = {"raw": raw, "host": ["{{baseUrl}}"], "path": segments}
    if query:
        url["query"] = query
    variables = [
        _optional({"key": p["name"], "value": ""}, p.get("description"), True)
        for p in parameters
        if p["in"] == "path"
    ]
    if variables:
        url["variable"] = variables
    return url


def _body(spec: Spec, content: dict[str, Any]) -> dict[str, Any] | None:
    if "multipart/form-data" in content:
        properties, required = _object(spec, content["multipart/form-data"]["schema"])
        fields = [
            _field(spec, name, schema, name in required) for name, schema in properties.items()
        ]
        return {"mode": "formdata", "formdata": fields}
    if "application/json" in content:
        example = _example(spec, content["application/json"]["schema"])
        return {
            "mode": "raw",
            "raw": json.dumps(example, indent=2, ensure_ascii=False),
            "options": {"raw": {"language": "json"}},
        }
    return None


def _field(spec: Spec, name: str, schema: Schema, required: bool) -> dict[str, Any]:
    schema = _resolve(spec, schema)
    field: dict[str, Any] = {"key": name}
    if _is_file(schema):
        field.update(type="file", src=[])
    else:
        field.update(type="text", value=_text(_example(spec, schema)))
    return _optional(field, schema.get("description"), required)


def _query_parameter(spec: Spec, parameter: dict[str, Any]) -> dict[str, Any]:
    field = {"key": parameter["name"], "value": _text(_example(spec, parameter["schema"]))}
    return _optional(field, parameter.get("description"), parameter.get("required", False))


def _optional(field: dict[str, Any], description: str | None, required: bool) -> dict[str, Any]:
    """Optional fields and parameters start disabled, to be ticked when wanted."""
    if description:
        field["description"] = description
    if not required:
        field["disabled"] = True
    return field


def _is_file(schema: Schema) -> bool:
    """A file part, or a part that may repeat with a file each (several photos)."""
    if schema.get("type") == "array":
        return _is_file(schema.get("items", {}))
    return schema.get("format") == "binary" or "contentMediaType" in schema


def _example(spec: Spec, schema: Schema) -> Any:
    schema = _resolve(spec, schema)
    if "example" in schema:
        return schema["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        branches = [branch for branch in schema["anyOf"] if branch.get("type") != "null"]
        return _example(spec, branches[0]) if branches else None
    if "properties" in schema or "allOf" in schema:
        properties, _ = _object(spec, schema)
        return {name: _example(spec, value) for name, value in properties.items()}
    if schema.get("type") == "array":
        return [_example(spec, schema.get("items", {}))]
    return PLACEHOLDERS.get(schema.get("format", ""), PLACEHOLDERS.get(schema.get("type", "")))


def _object(spec: Spec, schema: Schema) -> tuple[dict[str, Schema], set[str]]:
    """The properties and required names of an object schema, its allOf parts included."""
    schema = _resolve(spec, schema)
    properties: dict[str, Schema] = {}
    required: set[str] = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        part_properties, part_required = _object(spec, part)
        properties.update(part_properties)
        required |= part_required
    properties.update(schema.get("properties", {}))
    return properties, required


def _resolve(spec: Spec, schema: Schema) -> Schema:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = spec["components"]["schemas"][name]
    return schema


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)
