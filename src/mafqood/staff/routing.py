"""What every dashboard page shares: errors shown as pages (or back on the form), sign-in
redirects, the CSRF check of every form, the venue a page is about, and its lists' pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.datastructures import FormData

from mafqood.core.errors import AppError, FieldError, RetryLater
from mafqood.core.pagination import Page, PageNumber
from mafqood.core.web import SessionDep
from mafqood.staff.render import page, redirect, redirect_to
from mafqood.staff.session import SignInRequired, StaffUser, check_csrf
from mafqood.staff.targets import HOME, safe_target
from mafqood.venues import access
from mafqood.venues.models import Venue


class RefusalPages(APIRoute):
    """A use case's refusal becomes a page in the visitor's language: after a form, the
    form's page again with the message (where `back` finds one); otherwise `error_page` with
    the same status code (404 for another venue's things, like the API)."""

    error_page = "error.html"

    def back(self, request: Request) -> str | None:
        return None

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def refusal_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as exc:
                return redirect(request, "/staff/login", next=exc.next_path)
            except (AppError, ValidationError) as exc:
                code = _code(exc)
                back = self.back(request) if request.method == "POST" else None
                shown: Response
                if back:
                    shown = redirect_to(request, back, error=code)
                else:
                    status = exc.status_code if isinstance(exc, AppError) else 422
                    shown = page(request, self.error_page, status_code=status, error=code)
                # A refusal that passes with time says when on the page too.
                if isinstance(exc, RetryLater) and exc.headers:
                    shown.headers.update(exc.headers)
                return shown

        return refusal_handler


class StaffRoute(RefusalPages):
    def back(self, request: Request) -> str | None:
        return _form_page(request)


def _code(exc: AppError | ValidationError) -> str:
    if isinstance(exc, FieldError):
        return f"field.{exc.reason}"
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"field.{first['type']}"
    return exc.code


def _form_page(request: Request) -> str | None:
    """Where a refused form goes back to, with its error: the page the form asks for (`back`
    or X-Back), else the page it was posted from (the Referer); the dashboard's home when
    the page asked for is not one of ours. None: show the error as a page."""
    asked = request.query_params.get("back") or request.headers.get("x-back")
    return (
        safe_target(request, asked, None, keep_query=False)
        or safe_target(request, request.headers.get("referer"), None, keep_query=False)
        or (HOME if asked else None)
    )


def staff_router() -> APIRouter:
    return APIRouter(prefix="/staff", route_class=StaffRoute, include_in_schema=False)


async def posted_form(request: Request) -> FormData:
    form = await request.form()
    value = form.get("csrf")
    check_csrf(request, value if isinstance(value, str) else None)
    return form


PostedForm = Annotated[FormData, Depends(posted_form)]


async def member_venue(venue_id: uuid.UUID, user: StaffUser, db: SessionDep) -> Venue:
    return await access.member_venue(db, venue_id, user)


MemberVenue = Annotated[Venue, Depends(member_venue)]

# A list on a page holds a fixed number of rows: only ?page= is read.
PAGE_SIZE = 20


async def desk_page(page: PageNumber = 1) -> Page:
    return Page(page, PAGE_SIZE)


DeskPage = Annotated[Page, Depends(desk_page)]


def text(form: FormData, name: str) -> str | None:
    """A text field as the use cases take it (None when absent; files are not text)."""
    value = form.get(name)
    return value if isinstance(value, str) else None
