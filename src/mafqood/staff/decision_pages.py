"""Deciding at the desk: the claims queue, a claim's decision, handover, and disposal of
items past their holding period."""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.responses import Response

from mafqood.core.request_context import client_info
from mafqood.core.web import SessionDep
from mafqood.lifecycle import claims, decisions, disposal, handover, retention
from mafqood.lifecycle.schemas import DecisionIn, DisposalIn, HandoverIn
from mafqood.staff.render import page, redirect
from mafqood.staff.routing import DeskPage, MemberVenue, PostedForm, staff_router, text
from mafqood.staff.session import StaffUser
from mafqood.venues.holding import retention_days

router = staff_router()


def _item_page(venue_id: uuid.UUID, item_id: uuid.UUID) -> str:
    return f"/staff/venues/{venue_id}/items/{item_id}"


@router.get("/venues/{venue_id}/claims")
async def claims_queue(
    request: Request,
    venue: MemberVenue,
    user: StaffUser,
    db: SessionDep,
    shown: DeskPage,
) -> Response:
    rows, total = await claims.venue_claims(db, venue, "pending", shown.number, shown.size)
    return page(
        request,
        "claims.html",
        user=user,
        venue=venue,
        active="claims",
        claims=rows,
        total=total,
        pager=shown.answer(total),
    )


@router.post("/venues/{venue_id}/claims/{claim_id}/decision")
async def decide_claim(
    request: Request,
    venue: MemberVenue,
    claim_id: uuid.UUID,
    user: StaffUser,
    form: PostedForm,
    db: SessionDep,
) -> Response:
    data = DecisionIn.model_validate(
        {"decision": text(form, "decision"), "reason": text(form, "reason")}
    )
    command = decisions.DecideClaim(claim_id, data)
    _, item = await decisions.decide(db, user, command, client=client_info(request))
    if text(form, "from") == "queue":
        return redirect(request, f"/staff/venues/{venue.id}/claims", done="1")
    return redirect(request, _item_page(venue.id, item.id), done="1")


@router.post("/venues/{venue_id}/items/{item_id}/handover")
async def record_handover(
    request: Request,
    venue: MemberVenue,
    item_id: uuid.UUID,
    user: StaffUser,
    form: PostedForm,
    db: SessionDep,
) -> Response:
    data = HandoverIn.model_validate(
        {
            "collected_by_name": text(form, "collected_by_name"),
            "claim_id": text(form, "claim_id") or None,
            "id_checked": text(form, "id_checked") == "on",
            "id_type": text(form, "id_type") or None,
            "id_last4": text(form, "id_last4") or None,
            "notes": text(form, "notes"),
        }
    )
    await handover.hand_over(
        db, user, handover.HandOver(item_id, data), client=client_info(request)
    )
    return redirect(request, _item_page(venue.id, item_id), done="1")


@router.get("/venues/{venue_id}/disposals")
async def disposals_due(
    request: Request,
    venue: MemberVenue,
    user: StaffUser,
    db: SessionDep,
    shown: DeskPage,
) -> Response:
    rows, total = await retention.due_page(db, venue, shown.number, shown.size)
    return page(
        request,
        "disposals.html",
        user=user,
        venue=venue,
        active="disposals",
        due=rows,
        days=retention_days(venue),
        total=total,
        pager=shown.answer(total),
    )


@router.post("/venues/{venue_id}/items/{item_id}/disposal")
async def record_disposal(
    request: Request,
    venue: MemberVenue,
    item_id: uuid.UUID,
    user: StaffUser,
    form: PostedForm,
    db: SessionDep,
) -> Response:
    data = DisposalIn.model_validate({"method": text(form, "method"), "notes": text(form, "notes")})
    command = disposal.DisposeItem(venue.id, item_id, data.method, data.notes)
    await disposal.dispose(db, user, command, client=client_info(request))
    return redirect(request, f"/staff/venues/{venue.id}/disposals", done="1")
