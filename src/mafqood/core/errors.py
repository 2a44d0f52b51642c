"""One error hierarchy and one JSON shape for every error the API returns.

Body: {"code": ..., "message": ..., "detail": ..., "request_id": ...}
- code: stable, machine-readable;
- message: human text in the request's language;
- detail: what the app in users' hands shows: the message again, or for a 422 the list of
  field errors in FastAPI's shape ({loc, msg, type}) with localised msg.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from mafqood.core.i18n import Language, knows, request_language, translate


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        code: str | None = None,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.code = code or type(self).code
        self.params = params or {}
        self.headers = headers
        self.extra = extra or {}
        super().__init__(self.code)


class BadRequest(AppError):
    status_code = 400
    code = "bad_request"


class Unauthorized(AppError):
    status_code = 401
    code = "not_authenticated"

    def __init__(self, code: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(code, **kwargs)


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMedia(AppError):
    status_code = 415
    code = "unsupported_media_type"


class FieldError(AppError):
    """A business-rule failure on one input field, reported like a schema validation error."""

    status_code = 422
    code = "validation_error"

    def __init__(self, field: str, reason: str, *, location: str = "body", **params: Any) -> None:
        super().__init__("validation_error")
        self.field = field
        self.reason = reason
        self.location = location
        self.field_params = params


class RetryLater(AppError):
    """A refusal that passes with time. It always says when, in whole seconds (at least 1),
    in Retry-After: clients back off by it instead of guessing, and it is a required argument
    so that no such answer can leave it out."""

    def __init__(
        self,
        code: str | None = None,
        *,
        retry_after: float,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(
            code, headers={**(headers or {}), "Retry-After": str(self.retry_after)}, **kwargs
        )


class RateLimited(RetryLater):
    """Every 429 of the service: the middleware's limits, the throttles and the use cases'."""

    status_code = 429
    code = "rate_limited"


class ServiceBusy(RetryLater):
    status_code = 503
    code = "service_busy"


def error_body(
    request: Request, code: str, message: str, detail: Any = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": code,
        "message": message,
        "detail": message if detail is None else detail,
        "request_id": getattr(request.state, "request_id", None),
    }
    body.update(extra)
    return body


def error_response(request: Request, exc: AppError) -> JSONResponse:
    """The response of an AppError, for code that answers outside the exception handlers
    (middleware, which runs before them)."""
    message = translate(exc.code, request_language(request), **exc.params)
    return JSONResponse(
        error_body(request, exc.code, message, **exc.extra),
        status_code=exc.status_code,
        headers=exc.headers,
    )


def localise_field_errors(errors: Any, language: Language) -> list[dict[str, Any]]:
    localised = []
    for error in errors:
        error_type = str(error.get("type", "value_error"))
        ctx = dict(error.get("ctx") or {})
        key = f"field.{error_type}"
        if error_type == "value_error" and "email" in str(error.get("msg", "")).lower():
            key = "field.invalid_email"
        if error_type == "password_policy":
            ctx["reasons"] = ", ".join(
                translate(f"password.{reason}", language) for reason in ctx.get("reasons", [])
            )
        if not knows(key):
            message = translate("field.invalid", language) if language == "ar" else error["msg"]
        else:
            message = translate(key, language, **ctx)
        localised.append(
            {
                "loc": [str(part) for part in error.get("loc", ())],
                "msg": message,
                "type": error_type,
            }
        )
    return localised


def field_error_details(exc: FieldError, language: Language) -> list[dict[str, Any]]:
    return [
        {
            "loc": [exc.location, exc.field],
            "msg": translate(f"field.{exc.reason}", language, **exc.field_params),
            "type": exc.reason,
        }
    ]


def field_summary(language: Language, fields: list[dict[str, Any]]) -> str:
    parts = [f"{'.'.join(f['loc'][1:] or f['loc'])}: {f['msg']}" for f in fields]
    return translate("validation_error", language) + " " + "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FieldError)
    async def _field_error(request: Request, exc: FieldError) -> JSONResponse:
        language = request_language(request)
        fields = field_error_details(exc, language)
        return JSONResponse(
            error_body(request, "validation_error", field_summary(language, fields), fields),
            status_code=422,
        )

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        language = request_language(request)
        fields = localise_field_errors(exc.errors(), language)
        return JSONResponse(
            error_body(request, "validation_error", field_summary(language, fields), fields),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            404: "not_found",
            405: "method_not_allowed",
            413: "payload_too_large",
            401: "not_authenticated",
            403: "forbidden",
        }.get(exc.status_code, "bad_request")
        message = translate(code, request_language(request))
        return JSONResponse(
            error_body(request, code, message),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )


class TryAgainLater(Exception):
    """A failure of something outside this process that is worth retrying (a push service
    rate-limiting us, a delivery postponed); `retry_after` is the wait it hinted, if any.
    Background tasks retry these with backoff."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
