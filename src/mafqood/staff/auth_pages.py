"""Signing in and out, the language switch, choosing or creating a venue, and accepting an
invitation."""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from mafqood.auth import service as auth
from mafqood.auth.deps import AuthServicesDep
from mafqood.core.errors import Unauthorized
from mafqood.core.i18n import SUPPORTED_LANGUAGES
from mafqood.core.request_context import client_info
from mafqood.core.web import SessionDep
from mafqood.items.vocabulary import LOCATION_TYPES
from mafqood.staff.cookies import LANGUAGE_COOKIE, REFRESH_COOKIE
from mafqood.staff.render import page, redirect
from mafqood.staff.routing import PostedForm, staff_router, text
from mafqood.staff.session import (
    OptionalStaff,
    StaffUser,
    end_session,
    keep_session,
    pending,
)
from mafqood.staff.targets import safe_target
from mafqood.venues import service as venues
from mafqood.venues.commands import AcceptInvitation, CreateVenue
from mafqood.venues.schemas import VenueIn

router = staff_router()
YEAR = 365 * 86400


@router.get("/")
async def home(request: Request, user: StaffUser, db: SessionDep) -> Response:
    mine = await venues.my_venues(db, user)
    if len(mine) == 1 and not request.query_params.get("all"):
        return redirect(request, f"/staff/venues/{mine[0][0].id}")
    return page(
        request,
        "venues.html",
        user=user,
        venues=mine,
        location_types=LOCATION_TYPES,
    )


@router.get("/login")
async def login_page(
    request: Request, user: OptionalStaff, next: Annotated[str | None, Query()] = None
) -> Response:
    if user is not None:
        return redirect(request, safe_target(request, next))
    return page(request, "login.html", next=safe_target(request, next))


@router.post("/login")
async def login(
    request: Request, form: PostedForm, db: SessionDep, container: AuthServicesDep
) -> Response:
    email, password = text(form, "email") or "", text(form, "password") or ""
    target = safe_target(request, text(form, "next"))
    try:
        session = await auth.login(db, container, email, password, client_info(request))
    except Unauthorized as exc:
        return redirect(request, "/staff/login", error=exc.code, next=target)
    keep_session(request, container.settings, session)
    return redirect(request, target)


@router.post("/logout")
async def logout(
    request: Request, form: PostedForm, db: SessionDep, container: AuthServicesDep
) -> Response:
    refresh = request.cookies.get(REFRESH_COOKIE)
    if refresh:
        with contextlib.suppress(Unauthorized):  # already ended elsewhere
            await auth.logout(db, container, refresh)
    end_session(request)
    return redirect(request, "/staff/login")


@router.get("/language/{language}")
async def choose_language(
    request: Request, language: str, next: Annotated[str | None, Query()] = None
) -> Response:
    """Remembered for a year in a cookie (signed-in or not)."""
    if language in SUPPORTED_LANGUAGES:
        pending(request).to_set[LANGUAGE_COOKIE] = (language, YEAR, "/staff", "lax")
    return redirect(request, safe_target(request, next))


@router.post("/venues")
async def create_venue(
    request: Request, form: PostedForm, user: StaffUser, db: SessionDep
) -> Response:
    data = VenueIn.model_validate(
        {
            "name": text(form, "name"),
            "location": text(form, "location"),
            "location_type": text(form, "location_type"),
            "latitude": text(form, "latitude"),
            "longitude": text(form, "longitude"),
            "desk_phone": text(form, "desk_phone"),
            "desk_email": text(form, "desk_email"),
            "opening_hours": text(form, "opening_hours"),
        }
    )
    venue = await venues.create_venue(db, user, CreateVenue(data, client_info(request)))
    return redirect(request, f"/staff/venues/{venue.id}")


@router.get("/invitations/accept")
async def invitation_page(
    request: Request, user: StaffUser, token: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    return page(request, "invitation.html", user=user, token=token)


@router.post("/invitations/accept")
async def accept_invitation(
    request: Request, form: PostedForm, user: StaffUser, db: SessionDep
) -> Response:
    command = AcceptInvitation(text(form, "token") or "", client_info(request))
    venue, _ = await venues.accept_invitation(db, user, command)
    return redirect(request, f"/staff/venues/{venue.id}")
