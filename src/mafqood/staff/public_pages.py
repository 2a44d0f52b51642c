"""The venue's public page seen from the desk: what it shows of each found item (owners
choose), a link to it, and the printable poster with its QR code."""

from __future__ import annotations

from typing import Literal

from fastapi import Request
from fastapi.responses import Response

from mafqood.core.web import SessionDep
from mafqood.staff.poster import poster_pdf
from mafqood.staff.render import page, redirect, security_headers
from mafqood.staff.routing import MemberVenue, PostedForm, staff_router
from mafqood.staff.session import StaffUser
from mafqood.venues import service as venues
from mafqood.venues.access import role_in
from mafqood.venues.commands import UpdateVenue
from mafqood.venues.models import PUBLIC_FIELDS
from mafqood.venues.schemas import VenueUpdate

router = staff_router()


def _public_url(request: Request, venue_id: object) -> str:
    settings = request.app.state.settings
    base = settings.staff_base_url or settings.public_base_url or str(request.base_url)
    return f"{base.rstrip('/')}/v/{venue_id}"


@router.get("/venues/{venue_id}/public")
async def public_settings(
    request: Request, venue: MemberVenue, user: StaffUser, db: SessionDep
) -> Response:
    return page(
        request,
        "public_settings.html",
        user=user,
        venue=venue,
        active="public",
        fields=PUBLIC_FIELDS,
        is_owner=await role_in(db, venue.id, user.id) == "owner",
        public_url=_public_url(request, venue.id),
    )


@router.post("/venues/{venue_id}/public")
async def save_public_settings(
    request: Request, venue: MemberVenue, user: StaffUser, form: PostedForm, db: SessionDep
) -> Response:
    changes = VenueUpdate.model_validate(
        {
            "public_fields": [value for value in form.getlist("fields") if isinstance(value, str)],
            "public_photos": form.get("photos") == "on",
        }
    )
    await venues.update_venue(db, user, UpdateVenue(venue.id, changes))
    return redirect(request, f"/staff/venues/{venue.id}/public", done="1")


@router.get("/venues/{venue_id}/poster.pdf")
async def poster(
    request: Request, venue: MemberVenue, user: StaffUser, size: Literal["a4", "a5"] = "a4"
) -> Response:
    data = poster_pdf(venue.name, _public_url(request, venue.id), size)
    headers = {
        **security_headers(request),
        "Content-Disposition": f'inline; filename="mafqood-poster-{size}.pdf"',
    }
    return Response(data, media_type="application/pdf", headers=headers)
