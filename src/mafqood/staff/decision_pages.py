"""Deciding at the desk: the claims queue, a claim's decision and its conversation with the
claimant, handover, and disposal of items past their holding period."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from mafqood.core.request_context import client_info
from mafqood.core.web import SessionDep, process_container
from mafqood.lifecycle import claims, decisions, disposal, handover, retention
from mafqood.lifecycle.schemas import DecisionIn, DisposalIn, HandoverIn
from mafqood.messaging import desk, messages, threads
from mafqood.messaging.ports import MessageServices
from mafqood.staff.render import page, redirect
from mafqood.staff.routing import DeskPage, MemberVenue, PostedForm, staff_router, text
from mafqood.staff.session import StaffUser
from mafqood.storage.deps import StorageDep
from mafqood.venues.holding import retention_days

router = staff_router()
MessageServicesDep = Annotated[MessageServices, Depends(process_container)]


def _item_page(venue_id: uuid.UUID, item_id: uuid.UUID) -> str:
    return f"/staff/venues/{venue_id}/items/{item_id}"


@router.get("/venues/{venue_id}/claims")
async def claims_queue(
    request: Request,
    venue: MemberVenue,
    user: StaffUser,
    db: SessionDep,
    shown: DeskPage,
    storage: StorageDep,
) -> Response:
    rows, total = await claims.venue_claims(db, venue, "pending", shown.number, shown.size)
    threads = await desk.claim_threads(
        db, user, [claim.id for claim, _, _ in rows], storage.base_url
    )
    return page(
        request,
        "claims.html",
        user=user,
        venue=venue,
        active="claims",
        claims=rows,
        threads=threads,
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


@router.post("/venues/{venue_id}/claims/{claim_id}/messages")
async def answer_claimant(
    request: Request,
    venue: MemberVenue,
    claim_id: uuid.UUID,
    user: StaffUser,
    form: PostedForm,
    db: SessionDep,
    services: MessageServicesDep,
) -> Response:
    """The desk's answer in the claim's thread, from the page that shows it. The form carries
    an id made when the page was drawn, so a second click on "Send" stores nothing more."""
    place = await threads.claim_thread(db, user, claim_id)
    command = messages.SendMessage(
        place.thread.id, text(form, "text") or "", text(form, "client_id") or None
    )
    await messages.send(db, user, command, services)
    if text(form, "from") == "queue":
        return redirect(request, f"/staff/venues/{venue.id}/claims", done="1")
    return redirect(request, _item_page(venue.id, place.found.id), done="1")


@router.post("/venues/{venue_id}/matches/{match_id}/messages")
async def answer_owner(
    request: Request,
    venue: MemberVenue,
    match_id: uuid.UUID,
    user: StaffUser,
    form: PostedForm,
    db: SessionDep,
    services: MessageServicesDep,
) -> Response:
    """The desk's answer to the lost report's owner of a match, from the item page."""
    place = await threads.match_thread(db, user, match_id)
    command = messages.SendMessage(
        place.thread.id, text(form, "text") or "", text(form, "client_id") or None
    )
    await messages.send(db, user, command, services)
    return redirect(request, _item_page(venue.id, place.found.id), done="1")


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
