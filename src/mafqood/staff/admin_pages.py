"""Platform administration in the dashboard: venues waiting for verification, and the form
that verifies one with a note of what was checked (the use cases check the administrator)."""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.responses import Response

from mafqood.core.request_context import client_info
from mafqood.core.web import SessionDep
from mafqood.staff.render import page, redirect
from mafqood.staff.routing import PostedForm, staff_router, text
from mafqood.staff.session import StaffUser
from mafqood.venues import service as venues
from mafqood.venues.commands import VerifyVenue
from mafqood.venues.schemas import VerificationIn

router = staff_router()
PENDING_SHOWN = 200


@router.get("/admin/venues")
async def pending_venues_page(request: Request, user: StaffUser, db: SessionDep) -> Response:
    pending = await venues.pending_venues(db, user, PENDING_SHOWN)
    return page(request, "admin_venues.html", user=user, pending=pending, active="admin")


@router.post("/admin/venues/{venue_id}/verify")
async def verify_venue(
    request: Request, venue_id: uuid.UUID, user: StaffUser, form: PostedForm, db: SessionDep
) -> Response:
    data = VerificationIn.model_validate({"note": text(form, "note")})
    command = VerifyVenue(venue_id, data.note, client_info(request))
    await venues.verify_venue(db, user, command)
    return redirect(request, "/staff/admin/venues", done="1")
