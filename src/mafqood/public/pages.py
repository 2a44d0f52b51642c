"""A venue's public pages under /v: its desk and what it found, the lost report without an
account, the confirmation link and the status page. Rendered like the dashboard (same
templates, autoescaping, Content-Security-Policy, cookie and CSRF rules); they only parse,
call the use cases of public.service and present."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import EmailStr
from starlette.datastructures import UploadFile

from mafqood.core.errors import FieldError
from mafqood.core.i18n import SUPPORTED_LANGUAGES, Language
from mafqood.core.request_context import client_info
from mafqood.core.validation import InputModel, Name
from mafqood.core.web import SessionDep
from mafqood.items.schemas import ItemCreate
from mafqood.items.vocabulary import CATEGORIES
from mafqood.public import service
from mafqood.public.ports import PublicServices
from mafqood.staff.cookies import LANGUAGE_COOKIE
from mafqood.staff.render import page, redirect_to
from mafqood.staff.routing import PostedForm, RefusalPages, text
from mafqood.staff.session import PUBLIC_PATH, language_of, pending

YEAR = 365 * 86400
HONEYPOT = "website"


class PublicRoute(RefusalPages):
    """Refusals as the public pages' own error page, or back on the form they came from."""

    error_page = "public/error.html"

    def back(self, request: Request) -> str | None:
        return _back(request)


def _public_path(path: str) -> bool:
    segments = path.split("/")[2:]
    return path.startswith(PUBLIC_PATH + "/") and all(s not in ("", ".", "..") for s in segments)


def _back(request: Request) -> str | None:
    """The page a refused form came from, when it is one of these pages on this origin."""
    referer = request.headers.get("referer")
    if not referer:
        return None
    parts = urlsplit(referer)
    if (parts.scheme, parts.netloc) != (request.url.scheme, request.url.netloc):
        return None
    return parts.path if _public_path(parts.path) else None


def _redirect(request: Request, path: str, **query: str) -> Response:
    assert _public_path(path), path
    return redirect_to(request, path, **query)


router = APIRouter(prefix=PUBLIC_PATH, route_class=PublicRoute, include_in_schema=False)


def public_services(request: Request) -> PublicServices:
    services: PublicServices = request.app.state.container
    return services


Services = Annotated[PublicServices, Depends(public_services)]


@router.get("/language/{language}")
async def choose_language(request: Request, language: str, next: str | None = None) -> Response:
    if language in SUPPORTED_LANGUAGES:
        pending(request).to_set[LANGUAGE_COOKIE] = (language, YEAR, PUBLIC_PATH, "lax")
    target = next if next and _public_path(urlsplit(next).path) else None
    if target is None:
        return page(request, "public/error.html", status_code=404, error="not_found")
    return _redirect(request, urlsplit(target).path)


@router.get("/{venue_id}")
async def venue_page(
    request: Request,
    venue_id: uuid.UUID,
    db: SessionDep,
    services: Services,
    category: Annotated[str | None, Query(max_length=20)] = None,
    color: Annotated[str | None, Query(max_length=50)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=service.MAX_PAGE)] = 1,
) -> Response:
    wanted = category if category in CATEGORIES else None
    day = _day(since)
    search = service.FoundSearch(venue_id, wanted, color or None, day, page_number)
    venue, items, total = await service.search_found(db, services, search, client_info(request))
    query = {
        name: str(value)
        for name, value in (("category", wanted), ("color", color), ("since", day))
        if value
    }
    return page(
        request,
        "public/venue.html",
        venue=venue,
        items=items,
        total=total,
        page_number=page_number,
        has_more=page_number * service.PAGE_SIZE < total and page_number < service.MAX_PAGE,
        capped=page_number * service.PAGE_SIZE < total and page_number >= service.MAX_PAGE,
        query=query,
        categories=CATEGORIES,
        chosen={"category": wanted, "color": color or "", "since": day},
        shown=set(venue.public_fields),
    )


def _day(value: str | None) -> date | None:
    """The search form's date (YYYY-MM-DD); empty when the field was left blank."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise FieldError("since", "invalid", location="query") from exc


class ReporterIn(InputModel):
    email: EmailStr
    full_name: Name


@router.post("/{venue_id}/report")
async def send_report(
    request: Request, venue_id: uuid.UUID, form: PostedForm, db: SessionDep, services: Services
) -> Response:
    if text(form, HONEYPOT):
        # A robot filled the field people never see: it is told what people are told.
        return _redirect(request, f"{PUBLIC_PATH}/{venue_id}/sent")
    reporter = ReporterIn.model_validate(
        {"email": text(form, "email"), "full_name": text(form, "full_name")}
    )
    fields = {
        name: text(form, name)
        for name in (
            "title",
            "description",
            "category",
            "brand",
            "color",
            "location",
            "location_detail",
            "date_time",
            "contact_phone",
        )
    }
    data = ItemCreate.model_validate(
        {**fields, "contact_method": "email", "contact_email": reporter.email}
    )
    photo = form.get("photo")
    upload = photo if isinstance(photo, UploadFile) and photo.filename else None
    command = service.StartReport(
        venue_id, data, reporter.email, reporter.full_name, language_of(request), upload
    )
    await service.start_report(db, services, command, client_info(request))
    await db.commit()
    return _redirect(request, f"{PUBLIC_PATH}/{venue_id}/sent")


class AddressIn(InputModel):
    email: EmailStr


@router.post("/{venue_id}/link")
async def mail_link(
    request: Request, venue_id: uuid.UUID, form: PostedForm, db: SessionDep, services: Services
) -> Response:
    await service.public_venue(db, venue_id)
    address = AddressIn.model_validate({"email": text(form, "email")})
    await service.send_link(db, services, address.email, client_info(request))
    await db.commit()
    return _redirect(request, f"{PUBLIC_PATH}/{venue_id}/sent", what="link")


@router.get("/{venue_id}/sent")
async def report_sent(request: Request, venue_id: uuid.UUID, db: SessionDep) -> Response:
    venue = await service.public_venue(db, venue_id)
    link = request.query_params.get("what") == "link"
    return page(request, "public/sent.html", venue=venue, link=link)


@router.get("/confirm/{secret}")
async def confirm(request: Request, secret: str, db: SessionDep, services: Services) -> Response:
    user = await service.confirm_report(db, services, secret[:100], client_info(request))
    language: Language = "ar" if user.preferred_language == "ar" else "en"
    pending(request).to_set[LANGUAGE_COOKIE] = (language, YEAR, PUBLIC_PATH, "lax")
    if user.web_link_nonce is None:
        return page(request, "public/in_app.html", language=language)
    token = service.status_token_of(services, user)
    return _redirect(request, f"{PUBLIC_PATH}/status/{token}", done="confirmed")


@router.get("/status/{token}")
async def status_page(request: Request, token: str, db: SessionDep, services: Services) -> Response:
    _, reports = await service.status(db, services, token)
    done = request.query_params.get("done")
    return page(
        request,
        "public/status.html",
        user=None,
        reports=reports,
        token=token,
        status_path=f"{PUBLIC_PATH}/status/{token}",
        confirmed=done == "confirmed",
        done=done if done in ("claimed", "sent") else None,
    )


@router.post("/status/{token}/claims/{item_id}")
async def claim(
    request: Request,
    token: str,
    item_id: uuid.UUID,
    form: PostedForm,
    db: SessionDep,
    services: Services,
) -> Response:
    command = service.ClaimMatch(token, item_id, text(form, "answers") or "")
    await service.claim_match(db, services, command, client_info(request))
    await db.commit()
    return _redirect(request, f"{PUBLIC_PATH}/status/{token}", done="claimed")


@router.post("/status/{token}/claims/{claim_id}/messages")
async def message_desk(
    request: Request,
    token: str,
    claim_id: uuid.UUID,
    form: PostedForm,
    db: SessionDep,
    services: Services,
) -> Response:
    command = service.AnswerDesk(token, claim_id, text(form, "text") or "")
    await service.answer_desk(db, services, command, client_info(request))
    await db.commit()
    return _redirect(request, f"{PUBLIC_PATH}/status/{token}", done="sent")


@router.post("/status/{token}/revoke")
async def revoke(
    request: Request, token: str, form: PostedForm, db: SessionDep, services: Services
) -> Response:
    await service.revoke_links(db, services, token, language_of(request))
    await db.commit()
    return page(request, "public/revoked.html")
