"""Running the desk: reports with charts and their CSV, members and invitations."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from fastapi import Request
from fastapi.responses import Response

from mafqood.core.errors import FieldError
from mafqood.core.request_context import client_info
from mafqood.core.web import SessionDep
from mafqood.desk import reports
from mafqood.desk.presenters import csv_download
from mafqood.desk.reports import ReportQuery
from mafqood.staff.charts import weekly_bars
from mafqood.staff.render import page, redirect, security_headers
from mafqood.staff.routing import PostedForm, staff_router, text
from mafqood.staff.session import StaffUser
from mafqood.venues import service as venues
from mafqood.venues.commands import Invite, RemoveMember, RevokeInvitation, VenueRef
from mafqood.venues.deps import MembershipServicesDep
from mafqood.venues.schemas import InvitationIn

router = staff_router()


def _day(value: str | None, field: str, *, end: bool = False) -> datetime | None:
    """A day from the page's date inputs (YYYY-MM-DD, UTC); `to` includes its whole day."""
    if not value:
        return None
    try:
        day = datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError as exc:
        raise FieldError(field, "invalid", location="query") from exc
    return day + timedelta(days=1) if end else day


def _period(request: Request, venue_id: uuid.UUID, *, weekly: bool = False) -> ReportQuery:
    start = _day(request.query_params.get("from"), "from")
    end = _day(request.query_params.get("to"), "to", end=True)
    return ReportQuery(venue_id, start, end, weekly=weekly)


@router.get("/venues/{venue_id}/reports")
async def reports_page(
    request: Request, venue_id: uuid.UUID, user: StaffUser, db: SessionDep
) -> Response:
    found = await reports.venue_report(db, user, _period(request, venue_id, weekly=True))
    report = found.report
    return page(
        request,
        "reports.html",
        user=user,
        venue=found.venue,
        active="reports",
        report=report,
        chart=weekly_bars(found.weeks),
        last_day=(report.period.to - timedelta(microseconds=1)).date(),
        csv_query=request.url.query,
    )


@router.get("/venues/{venue_id}/reports.csv")
async def reports_csv(
    request: Request, venue_id: uuid.UUID, user: StaffUser, db: SessionDep
) -> Response:
    found = await reports.venue_report(db, user, _period(request, venue_id))
    return csv_download(found.report, security_headers(request))


@router.get("/venues/{venue_id}/members")
async def members_page(
    request: Request, venue_id: uuid.UUID, user: StaffUser, db: SessionDep
) -> Response:
    roster = await venues.members(db, user, VenueRef(venue_id))
    is_owner = roster.membership.is_owner
    invitations = await venues.invitations(db, user, VenueRef(venue_id)) if is_owner else []
    return page(
        request,
        "members.html",
        user=user,
        venue=roster.membership.venue,
        active="members",
        members=roster.members,
        invitations=invitations,
        is_owner=is_owner,
    )


@router.post("/venues/{venue_id}/invitations")
async def invite(
    request: Request, venue_id: uuid.UUID, user: StaffUser, form: PostedForm, db: SessionDep
) -> Response:
    data = InvitationIn.model_validate({"email": text(form, "email"), "role": text(form, "role")})
    command = Invite(venue_id, str(data.email), data.role, client_info(request))
    await venues.invite(db, user, command)
    return redirect(request, f"/staff/venues/{venue_id}/members", done="1")


@router.post("/venues/{venue_id}/invitations/{invitation_id}/revoke")
async def revoke(
    request: Request,
    venue_id: uuid.UUID,
    invitation_id: uuid.UUID,
    user: StaffUser,
    form: PostedForm,
    db: SessionDep,
) -> Response:
    await venues.revoke_invitation(db, user, RevokeInvitation(venue_id, invitation_id))
    return redirect(request, f"/staff/venues/{venue_id}/members", done="1")


@router.post("/venues/{venue_id}/members/{member_id}/remove")
async def remove_member(
    request: Request,
    venue_id: uuid.UUID,
    member_id: uuid.UUID,
    user: StaffUser,
    form: PostedForm,
    db: SessionDep,
    services: MembershipServicesDep,
) -> Response:
    command = RemoveMember(venue_id, member_id, client_info(request))
    await venues.remove_member(db, user, command, services)
    if member_id == user.id:
        return redirect(request, "/staff/")
    return redirect(request, f"/staff/venues/{venue_id}/members", done="1")
