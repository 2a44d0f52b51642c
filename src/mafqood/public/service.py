"""The use cases of a venue's public pages: searching what it found, reporting a lost item
without the app (kept aside until the address is confirmed), following it by a signed link,
and claiming a match by answering its hidden-detail questions.

Nobody signs in here. A visitor is known by their address (for limits) and, after the
confirmation, by their status link, which names an account without a password
(users.weblinks). What a found item shows is the venue's choice within PUBLIC_FIELDS, never
the finder, its tag code, where it is stored or its hidden details.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

from fastapi import UploadFile
from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import undefer
from starlette.datastructures import Headers
from starlette.datastructures import UploadFile as FormFile

from mafqood.audit import service as audit
from mafqood.core.errors import AppError, NotFound, RateLimited
from mafqood.core.i18n import Language, translate
from mafqood.core.rates import Rate
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item
from mafqood.items.schemas import ItemCreate
from mafqood.items.service import check_contact
from mafqood.lifecycle import claims
from mafqood.lifecycle.models import Claim, Match
from mafqood.lifecycle.schemas import ClaimIn
from mafqood.lifecycle.statuses import HELD, ClaimStatus, MatchStatus
from mafqood.matching import submission
from mafqood.messaging import messages, threads
from mafqood.messaging.models import Message, MessageThread
from mafqood.photos.service import process_upload, read_upload
from mafqood.public.models import WebReport
from mafqood.public.ports import PublicServices
from mafqood.storage import Storage
from mafqood.users.models import User
from mafqood.users.weblinks import (
    NO_PASSWORD,
    LinkRefused,
    new_nonce,
    read_status_token,
    status_token,
    status_url,
    web_url,
)
from mafqood.venues.models import Venue
from mafqood.worker.mail import queue_mail

# The public list: a few items a page and a few pages, so that the inventory is not
# downloaded by paging; narrower filters find the rest.
PAGE_SIZE = 12
MAX_PAGE = 5
# Never a photo of these, whatever the venue chose: they show names, numbers and faces.
NO_PHOTO_CATEGORIES = frozenset(("id", "documents", "wallet"))
CONFIRM_WITHIN = timedelta(hours=24)

# Limits of the public pages, per address (IP) and per email address.
SEARCH_PER_IP = Rate(60, 600)
REPORTS_PER_IP = Rate(5, 3600)
REPORTS_PER_EMAIL = Rate(3, 86400)
CONFIRMS_PER_IP = Rate(20, 3600)
CLAIMS_PER_IP = Rate(10, 3600)
CLAIMS_PER_EMAIL = Rate(5, 86400)
LINKS_PER_EMAIL = Rate(3, 3600)
LINKS_PER_IP = Rate(10, 3600)
MESSAGES_PER_IP = Rate(30, 3600)
CONVERSATION_SHOWN = 20


class LinkNotAccepted(AppError):
    """An altered, expired, revoked or used-up link: refused as "not found", saying which."""

    status_code = 404
    code = "link_invalid"


@dataclass(frozen=True)
class PublicItem:
    """A found item as the venue shows it to the public: None where it hides the field."""

    id: uuid.UUID
    category: str | None
    color: str | None
    day: datetime | None
    area: str | None
    title: str | None
    brand: str | None
    photo_url: str | None


@dataclass(frozen=True)
class FoundSearch:
    venue_id: uuid.UUID
    category: str | None
    color: str | None
    since: date | None
    page: int


@dataclass(frozen=True)
class StartReport:
    venue_id: uuid.UUID
    form: ItemCreate
    email: str
    full_name: str
    language: Language
    photo: FormFile | None


@dataclass(frozen=True)
class ClaimMatch:
    token: str
    found_item_id: uuid.UUID
    answers: str


@dataclass(frozen=True)
class AnswerDesk:
    token: str
    claim_id: uuid.UUID
    text: str


@dataclass(frozen=True)
class MatchView:
    match: Match
    found: PublicItem
    needs_answers: bool
    claim: Claim | None
    handed_over: bool
    # Where to collect it: the desk holding it (None for a person's found report).
    venue: Venue | None
    # The claim's conversation with the desk, oldest first (the desk's questions).
    messages: list[Message]


@dataclass(frozen=True)
class ReportView:
    item: Item
    matches: list[MatchView]


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


async def _limit(services: PublicServices, rule: str, subject: str | None, rate: Rate) -> None:
    if not subject:
        return
    decision = await services.rate_limiter.hit(f"public_{rule}", _digest(subject), rate)
    if not decision.allowed:
        raise RateLimited("rate_limited", retry_after=decision.retry_after_seconds)


async def public_venue(uow: UnitOfWork, venue_id: uuid.UUID) -> Venue:
    """A venue in service; one awaiting verification has no public page yet."""
    venue = await uow.get(Venue, venue_id)
    if venue is None or not venue.is_verified:
        raise NotFound()
    return venue


def shows_photo(venue: Venue, item: Item) -> bool:
    return (
        venue.public_photos
        and item.category not in NO_PHOTO_CATEGORIES
        and not item.control_details
        and bool(item.thumbnail_url or item.image_url)
    )


def public_item(venue: Venue | None, item: Item, storage: Storage) -> PublicItem:
    """Only what the venue shows; a person's found report (no venue) shows the defaults."""
    shown = set(venue.public_fields) if venue is not None else {"category", "color", "date"}
    photo = None
    picture = item.thumbnail_url or item.image_url
    if venue is not None and picture and shows_photo(venue, item):
        photo = picture
    return PublicItem(
        id=item.id,
        category=item.category if "category" in shown else None,
        color=item.color if "color" in shown else None,
        day=item.date_time if "date" in shown else None,
        area=item.location_detail if "area" in shown else None,
        title=item.title if "title" in shown else None,
        brand=item.brand if "brand" in shown else None,
        photo_url=photo,
    )


def _held_at(venue: Venue) -> Select[Item]:
    return select(Item).where(
        Item.venue_id == venue.id,
        Item.type == "found",
        Item.status.in_(HELD),
        Item.is_hidden.is_(False),
    )


async def search_found(
    uow: UnitOfWork, services: PublicServices, command: FoundSearch, client: ClientInfo
) -> tuple[Venue, list[PublicItem], int]:
    """Newest first; filters only on what the venue shows (a filter on a hidden field would
    tell it by the answers)."""
    venue = await public_venue(uow, command.venue_id)
    await _limit(services, "search_ip", client.ip, SEARCH_PER_IP)
    shown = set(venue.public_fields)
    statement = _held_at(venue)
    if command.category and "category" in shown:
        statement = statement.where(Item.category == command.category)
    if command.color and "color" in shown:
        statement = statement.where(Item.color.ilike(_like(command.color)))
    if command.since and "date" in shown:
        since = datetime.combine(command.since, datetime.min.time(), tzinfo=UTC)
        statement = statement.where(Item.date_time >= since)
    total = int(await uow.scalar(select(func.count()).select_from(statement.subquery())) or 0)
    rows = await uow.scalars(
        statement.order_by(Item.date_time.desc(), Item.id.desc())
        .offset((command.page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return venue, [public_item(venue, item, services.storage) for item in rows], total


def _like(term: str) -> str:
    escaped = term.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def start_report(
    uow: UnitOfWork, services: PublicServices, command: StartReport, client: ClientInfo
) -> None:
    """Keep the report aside and mail its one-time confirmation link; nothing is matched or
    shown before the link is opened."""
    venue = await public_venue(uow, command.venue_id)
    await _limit(services, "report_ip", client.ip, REPORTS_PER_IP)
    await _limit(services, "report_email", command.email, REPORTS_PER_EMAIL)
    # Where it was lost: at the venue, as its desk's intake places what it finds.
    form = command.form.model_copy(
        update={
            "location_type": venue.location_type,
            "latitude": float(venue.latitude),
            "longitude": float(venue.longitude),
        }
    )
    check_contact(form)
    photo, photo_type = None, None
    if command.photo is not None:
        settings = services.settings
        photo = await read_upload(command.photo, settings.max_upload_bytes)
        # Checked now, so that a bad photo is refused on the form, not after the mail.
        await process_upload(
            _upload(photo, command.photo.content_type),
            settings.max_upload_bytes,
            settings.max_image_pixels,
        )
        photo_type = command.photo.content_type
    secret = secrets.token_urlsafe(32)
    report = WebReport(
        venue_id=venue.id,
        email=command.email.strip().lower(),
        language=command.language,
        full_name=command.full_name,
        form=form.model_dump(mode="json"),
        photo=photo,
        photo_type=photo_type,
        confirm_hash=hashlib.sha256(secret.encode()).hexdigest(),
        expires_at=datetime.now(UTC) + CONFIRM_WITHIN,
    )
    uow.add(report)
    link = web_url(services.settings, f"/v/confirm/{secret}")
    language = command.language
    queue_mail(
        uow,
        report.email,
        translate("public.mail.confirm.subject", language, venue=venue.name),
        translate(
            "public.mail.confirm.body",
            language,
            name=command.full_name,
            title=command.form.title,
            venue=venue.name,
            link=link,
            hours=int(CONFIRM_WITHIN.total_seconds() // 3600),
        ),
    )
    audit.record(uow, "web_report_started", client, data={"venue_id": str(venue.id)})


def _upload(data: bytes, content_type: str | None) -> UploadFile:
    headers = Headers({"content-type": content_type or "application/octet-stream"})
    return UploadFile(BytesIO(data), size=len(data), filename="photo", headers=headers)


async def confirm_report(
    uow: UnitOfWork, services: PublicServices, secret: str, client: ClientInfo
) -> User:
    """The mail's link: the report becomes an ordinary lost report of the address's account
    (made without a password when there is none), matched like the app's. Opened again, it
    answers the same account; after it expired, nothing."""
    await _limit(services, "confirm_ip", client.ip, CONFIRMS_PER_IP)
    received = time.monotonic()
    digest = hashlib.sha256(secret.encode()).hexdigest()
    report = await uow.scalar(
        select(WebReport)
        .where(WebReport.confirm_hash == digest)
        .options(undefer(WebReport.photo))
        .with_for_update()
    )
    if report is None:
        raise LinkNotAccepted("link_invalid")
    if report.confirmed_at is not None:
        # Opened again (or twice at once: this one waited for the other's lock).
        user = await uow.scalar(select(User).where(User.email == report.email))
        if user is None:
            raise LinkNotAccepted("link_invalid")
        return user
    if report.expires_at <= datetime.now(UTC):
        raise LinkNotAccepted("link_expired")
    user = await _account_of(uow, report)
    report.confirmed_at = datetime.now(UTC)
    photos: Sequence[UploadFile] = []
    if report.photo is not None:
        photos = [_upload(report.photo, report.photo_type)]
    report.photo = None  # the report keeps its own copy of the photo; this one goes
    form = ItemCreate.model_validate(report.form)
    audit.record(uow, "web_report_confirmed", client, user_id=user.id)
    answer = await submission.submit(
        uow, user, submission.ReportItem("lost", form, photos, received), services
    )
    await uow.execute(
        update(WebReport).where(WebReport.id == report.id).values(item_id=answer.item.id)
    )
    await uow.commit()
    return user


async def _account_of(uow: UnitOfWork, report: WebReport) -> User:
    """The address's account: an app user's own (they confirmed the address), else one
    without a password, made now."""
    user = await uow.scalar(select(User).where(User.email == report.email))
    if user is not None:
        return user
    user = User(
        email=report.email,
        password_hash=NO_PASSWORD,
        full_name=report.full_name,
        preferred_language=report.language,
        is_verified=True,
        web_link_nonce=new_nonce(),
    )
    uow.add(user)
    await uow.flush()
    await uow.refresh(user)
    return user


def status_token_of(services: PublicServices, user: User) -> str:
    return status_token(services.settings, user)


async def link_owner(uow: UnitOfWork, services: PublicServices, token: str) -> User:
    """The account of a status link, if the link is intact, not expired and not revoked."""
    try:
        owner = read_status_token(services.settings, token)
    except LinkRefused as exc:
        raise LinkNotAccepted(exc.code) from exc
    user = await uow.get(User, owner.user_id)
    if (
        user is None
        or not user.is_active
        or user.web_link_nonce is None
        or not secrets.compare_digest(user.web_link_nonce, owner.nonce)
    ):
        raise LinkNotAccepted("link_invalid")
    return user


async def status(
    uow: UnitOfWork, services: PublicServices, token: str
) -> tuple[User, list[ReportView]]:
    """The account's lost reports, newest first, with their matches as each venue shows
    them, and where each claim stands."""
    user = await link_owner(uow, services, token)
    reports = list(
        await uow.scalars(
            select(Item)
            .where(Item.user_id == user.id, Item.type == "lost")
            .order_by(Item.created_at.desc())
            .limit(20)
        )
    )
    views = [ReportView(item, await _matches_of(uow, services, user, item)) for item in reports]
    return user, views


async def _matches_of(
    uow: UnitOfWork, services: PublicServices, user: User, lost: Item
) -> list[MatchView]:
    rows = await uow.scalars(
        select(Match)
        .where(
            or_(Match.user_item_id == lost.id, Match.matched_item_id == lost.id),
            Match.status != MatchStatus.REJECTED,
        )
        .order_by(Match.similarity_score.desc())
        .limit(10)
    )
    views = []
    for match in rows:
        found_id = match.matched_item_id if match.user_item_id == lost.id else match.user_item_id
        found = await uow.get(Item, found_id)
        if found is None or found.type != "found" or found.is_hidden:
            continue
        if found.venue_verified is False:
            continue
        venue = await uow.get(Venue, found.venue_id) if found.venue_id else None
        claim = await uow.scalar(
            select(Claim)
            .where(Claim.item_id == found.id, Claim.claimant_id == user.id)
            .order_by(Claim.created_at.desc())
            .limit(1)
        )
        views.append(
            MatchView(
                match=match,
                found=public_item(venue, found, services.storage),
                needs_answers=bool(found.control_details),
                claim=claim,
                handed_over=found.status == "claimed"
                and claim is not None
                and claim.status == ClaimStatus.APPROVED,
                venue=venue,
                messages=await _conversation(uow, claim),
            )
        )
    return views


async def _conversation(uow: UnitOfWork, claim: Claim | None) -> list[Message]:
    """The last messages of the claim's thread, if the desk or the person started one."""
    if claim is None:
        return []
    rows = await uow.scalars(
        select(Message)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(MessageThread.claim_id == claim.id)
        .order_by(Message.seq.desc())
        .limit(CONVERSATION_SHOWN)
    )
    return list(reversed(list(rows)))


async def answer_desk(
    uow: UnitOfWork, services: PublicServices, command: AnswerDesk, client: ClientInfo
) -> None:
    """A message to the desk in the claim's thread: how a person on the web answers the
    desk's questions. Only on the link's own claims; the messaging rules (masking, limits,
    blocks) apply as in the app."""
    user = await link_owner(uow, services, command.token)
    await _limit(services, "message_ip", client.ip, MESSAGES_PER_IP)
    claim = await uow.get(Claim, command.claim_id)
    if claim is None or claim.claimant_id != user.id:
        raise NotFound()
    place = await threads.claim_thread(uow, user, claim.id)
    await messages.send(uow, user, messages.SendMessage(place.thread.id, command.text), services)


async def claim_match(
    uow: UnitOfWork, services: PublicServices, command: ClaimMatch, client: ClientInfo
) -> Claim:
    """A claim on a found item matched with one of the link's reports, with the answers to
    its hidden-detail questions; the desk decides it in the same queue as the app's."""
    user = await link_owner(uow, services, command.token)
    await _limit(services, "claim_ip", client.ip, CLAIMS_PER_IP)
    await _limit(services, "claim_email", user.email, CLAIMS_PER_EMAIL)
    lost_id = await uow.scalar(
        select(Item.id)
        .join(
            Match,
            or_(
                (Match.user_item_id == Item.id) & (Match.matched_item_id == command.found_item_id),
                (Match.matched_item_id == Item.id) & (Match.user_item_id == command.found_item_id),
            ),
        )
        .where(Item.user_id == user.id, Item.type == "lost")
        .limit(1)
    )
    if lost_id is None:
        raise NotFound()
    data = ClaimIn.model_validate({"answers": command.answers, "lost_item_id": lost_id})
    claim, _ = await claims.file_claim(
        uow, user, claims.FileClaim(command.found_item_id, data), client=client
    )
    return claim


async def revoke_links(
    uow: UnitOfWork, services: PublicServices, token: str, language: Language
) -> None:
    """Every link sent so far stops working; a new one goes to the address."""
    user = await link_owner(uow, services, token)
    await _limit(services, "link_email", user.email, LINKS_PER_EMAIL)
    user.web_link_nonce = new_nonce()
    queue_mail(
        uow,
        user.email,
        translate("public.mail.link.subject", language),
        translate("public.mail.link.body", language, link=status_url(services.settings, user)),
    )


async def send_link(
    uow: UnitOfWork, services: PublicServices, email: str, client: ClientInfo
) -> None:
    """A lost status link mailed again to its address. The same answer whether or not the
    address has reports, so that nobody learns who reported what."""
    await _limit(services, "link_ip", client.ip, LINKS_PER_IP)
    await _limit(services, "link_email", email, LINKS_PER_EMAIL)
    user = await uow.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active or user.web_link_nonce is None:
        return
    language: Language = "ar" if user.preferred_language == "ar" else "en"
    queue_mail(
        uow,
        user.email,
        translate("public.mail.link.subject", language),
        translate("public.mail.link.again", language, link=status_url(services.settings, user)),
    )


async def purge_unconfirmed(uow: UnitOfWork) -> int:
    """Reports whose confirmation link was never opened in time are forgotten."""
    result = await uow.execute(
        delete(WebReport).where(WebReport.confirmed_at.is_(None), WebReport.expires_at < func.now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
