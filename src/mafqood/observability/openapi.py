"""The published API contract: the error answers that any operation can give, documented on
every operation with the one error body, so that clients (and schema checks) can rely on them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from fastapi import FastAPI
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


class ErrorOut(BaseModel):
    """Every error has this shape."""

    code: str = Field(description="Stable, machine-readable error code")
    message: str = Field(description="Human text in the request's language")
    detail: str | list[dict[str, Any]] = Field(
        description="The message again, or for 422 the list of field errors {loc, msg, type}"
    )
    request_id: str | None = Field(description="Also in the X-Request-ID response header")


COMMON_ERRORS = {
    "400": "The body could not be read (malformed JSON or form data)",
    "413": "The request body is too large",
    "429": "Too many requests; the Retry-After header says when to try again",
    "500": "Unexpected error; the answer holds no internals, only the request id",
    "503": "Overloaded or a required service is down; Retry-After says when to try again",
}
SIGNED_IN_ERROR = ("401", "Missing, invalid or expired access token, or its login has ended")


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }


def document_common_errors(app: FastAPI) -> None:
    build: Callable[[], dict[str, Any]] = app.openapi
    # The document never changes while the process runs: built once, rendered once.
    built: list[dict[str, Any]] = []
    rendered: list[bytes] = []

    def openapi() -> dict[str, Any]:
        if built:
            return built[0]
        schema = build()
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = (
            ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, description in COMMON_ERRORS.items():
                    responses.setdefault(code, _error(description))
                if operation.get("security"):
                    responses.setdefault(SIGNED_IN_ERROR[0], _error(SIGNED_IN_ERROR[1]))
        built.append(schema)
        return schema

    async def document(request: Request) -> Response:
        if not rendered:
            rendered.append(orjson.dumps(openapi()))
        return Response(rendered[0], media_type="application/json")

    app.openapi = openapi  # type: ignore[method-assign]
    # FastAPI's own route encodes the whole document again on every request.
    if app.openapi_url:
        app.router.routes[:] = [
            Route(app.openapi_url, document, include_in_schema=False)
            if isinstance(route, Route) and route.path == app.openapi_url
            else route
            for route in app.router.routes
        ]
