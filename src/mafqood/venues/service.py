"""Venues and their members: creation (with the desk account), settings, members and
invitations mailed through the outbox.

Each use case takes the unit of work, the account acting and its command, and checks
itself, through `access`, that the account may do it: a caller cannot skip the check.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from mafqood.audit import service as audit
from mafqood.core.config import Settings
from mafqood.core.errors import BadRequest, Conflict, FieldError, Forbidden, NotFound
from mafqood.core.i18n import SUPPORTED_LANGUAGES, Language, translate
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.analysis_queue import enqueue_analysis
from mafqood.items.models import Item
from mafqood.ratelimit.desks import end_desk_limits
from mafqood.users.models import User
from mafqood.users.tokens import hash_token
from mafqood.venues import access
from mafqood.venues.access import Membership
from mafqood.venues.commands import (
    AcceptInvitation,
    AppointOwner,
    CreateVenue,
    Invite,
    RemoveMember,
    RevokeInvitation,
    UpdateVenue,
    VenueRef,
    VerifyVenue,
)
from mafqood.venues.holding import retention_days
from mafqood.venues.locks import lock_membership
from mafqood.venues.models import Venue, VenueInvitation, VenueMember
from mafqood.venues.ports import MembershipServices
from mafqood.venues.schemas import (
    MemberOut,
    PendingVenueOut,
    VenueOut,
    VenueOwnerOut,
    VerificationOut,
)
from mafqood.worker.mail import queue_mail

# Desk accounts own a venue's found reports. They never sign in (inactive, no password
# anyone knows); this domain is reserved and never delivers mail.
DESK_EMAIL_DOMAIN = "desk.mafqood.invalid"
REQUIRED_FIELDS = frozenset(
    (
        "name",
        "location",
        "location_type",
        "latitude",
        "longitude",
        "languages",
        "retention_days",
        "public_fields",
        "public_photos",
    )
)


def venue_out(venue: Venue, role: str) -> VenueOut:
    return VenueOut(
        id=venue.id,
        name=venue.name,
        location=venue.location,
        location_type=venue.location_type,
        latitude=float(venue.latitude),
        longitude=float(venue.longitude),
        desk_phone=venue.desk_phone,
        desk_email=venue.desk_email,
        opening_hours=venue.opening_hours,
        languages=list(venue.languages),
        retention_days=retention_days(venue),
        public_fields=list(venue.public_fields),
        public_photos=venue.public_photos,
        my_role=role,
        verification="verified" if venue.is_verified else "pending",
        verified_at=venue.verified_at,
        created_at=venue.created_at,
    )


@dataclass(frozen=True)
class Roster:
    membership: Membership
    members: list[MemberOut]


async def create_venue(uow: UnitOfWork, actor: User, command: CreateVenue) -> Venue:
    """The venue, its desk account and the actor as its first owner, in the caller's
    transaction."""
    details = command.details
    venue_id = uuid.uuid4()
    desk = User(
        id=uuid.uuid4(),
        email=f"{venue_id}@{DESK_EMAIL_DOMAIN}",
        password_hash="!",  # not a bcrypt hash: nothing ever verifies against it
        full_name=details.name,
        phone=details.desk_phone,
        is_venue=True,
        is_active=False,
        preferred_language=details.languages[0] if details.languages else "en",
    )
    uow.add(desk)
    await uow.flush()
    venue = Venue(
        id=venue_id,
        desk_user_id=desk.id,
        **details.model_dump(),
    )
    uow.add(venue)
    await uow.flush()
    uow.add(VenueMember(venue_id=venue.id, user_id=actor.id, role="owner"))
    audit.record(
        uow,
        "venue_created",
        command.client,
        user_id=actor.id,
        entity_type="venue",
        entity_id=venue.id,
    )
    await uow.flush()
    await uow.refresh(venue)
    return venue


async def my_venues(uow: UnitOfWork, actor: User) -> list[tuple[Venue, str]]:
    rows = await uow.execute(
        select(Venue, VenueMember.role)
        .join(VenueMember, VenueMember.venue_id == Venue.id)
        .where(VenueMember.user_id == actor.id)
        .order_by(Venue.name)
    )
    return [(venue, role) for venue, role in rows]


async def get_venue(uow: UnitOfWork, actor: User, command: VenueRef) -> Membership:
    return await access.membership(uow, command.venue_id, actor)


async def update_venue(uow: UnitOfWork, actor: User, command: UpdateVenue) -> Venue:
    """Owners change the venue's details, languages and holding periods."""
    venue = await access.member_venue(uow, command.venue_id, actor, owner=True)
    changes = command.changes.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field in REQUIRED_FIELDS:
            continue  # an explicit null leaves a required field as it is
        setattr(venue, field, value)
    if "name" in changes or "desk_phone" in changes:
        desk = await uow.get(User, venue.desk_user_id)
        assert desk is not None
        desk.full_name = venue.name
        desk.phone = venue.desk_phone
    venue.updated_at = func.now()
    await uow.flush()
    await uow.refresh(venue)
    return venue


async def members(uow: UnitOfWork, actor: User, command: VenueRef) -> Roster:
    found = await access.membership(uow, command.venue_id, actor)
    return Roster(found, await _members(uow, found.venue))


async def _members(uow: UnitOfWork, venue: Venue) -> list[MemberOut]:
    rows = await uow.execute(
        select(VenueMember, User)
        .join(User, User.id == VenueMember.user_id)
        .where(VenueMember.venue_id == venue.id)
        .order_by(VenueMember.created_at)
    )
    return [
        MemberOut(
            user_id=user.id,
            full_name=user.full_name,
            email=user.email,
            role=member.role,
            created_at=member.created_at,
        )
        for member, user in rows
    ]


async def remove_member(
    uow: UnitOfWork, actor: User, command: RemoveMember, services: MembershipServices
) -> None:
    """Owners remove anyone; a staff member may only leave. The last owner stays, and the
    invitations the member sent go with them. Someone left with no venue loses the desk
    limits at once, not when their token expires."""
    user_id = command.user_id
    await lock_membership(uow, command.venue_id)
    acting = await access.membership(uow, command.venue_id, actor)
    venue = acting.venue
    member = await uow.get(VenueMember, (venue.id, user_id))
    if member is None:
        raise NotFound()
    if user_id != actor.id:
        acting.require_owner()
    if member.role == "owner":
        owners = await uow.scalar(
            select(func.count())
            .select_from(VenueMember)
            .where(VenueMember.venue_id == venue.id, VenueMember.role == "owner")
        )
        if (owners or 0) <= 1:
            raise Conflict("last_owner")
    await uow.execute(
        delete(VenueMember).where(VenueMember.venue_id == venue.id, VenueMember.user_id == user_id)
    )
    revoked = await uow.execute(
        delete(VenueInvitation).where(
            VenueInvitation.venue_id == venue.id,
            VenueInvitation.invited_by == user_id,
            VenueInvitation.accepted_at.is_(None),
        )
    )
    if not await access.is_desk_member(uow, user_id):
        token_ttl = services.settings.access_token_ttl_seconds
        uow.after_commit(partial(end_desk_limits, services.rate_limiter, user_id, token_ttl))
    audit.record(
        uow,
        "venue_member_removed",
        command.client,
        user_id=actor.id,
        entity_type="venue",
        entity_id=venue.id,
        data={"member": str(user_id), "invitations_revoked": revoked.rowcount},  # type: ignore[attr-defined]
    )


def staff_link(settings: Settings, path: str) -> str:
    base = settings.staff_base_url or settings.public_base_url
    if not base:
        base = f"http://{settings.host}:{settings.port}"
    return base.rstrip("/") + path


async def invite(uow: UnitOfWork, actor: User, command: Invite) -> VenueInvitation:
    """Owners mail an invitation to join as owner or staff."""
    settings = uow.effects.settings
    # Locked, so that an owner removed meanwhile cannot leave an invitation behind.
    await lock_membership(uow, command.venue_id)
    venue = await access.member_venue(uow, command.venue_id, actor, owner=True)
    email = command.email.lower()
    existing = await uow.scalar(
        select(User.id)
        .join(VenueMember, VenueMember.user_id == User.id)
        .where(VenueMember.venue_id == venue.id, User.email == email)
    )
    if existing is not None:
        raise Conflict("already_member")
    token = secrets.token_urlsafe(24)
    invitation = VenueInvitation(
        venue_id=venue.id,
        email=email,
        role=command.role,
        token_hash=hash_token(token),
        invited_by=actor.id,
        expires_at=datetime.now(UTC) + timedelta(days=settings.venue_invitation_ttl_days),
    )
    uow.add(invitation)
    await uow.flush()
    await uow.refresh(invitation)
    invitee = await uow.scalar(select(User).where(User.email == email))
    language: Language = next(
        (code for code in SUPPORTED_LANGUAGES if invitee and code == invitee.preferred_language),
        next((code for code in SUPPORTED_LANGUAGES if code in venue.languages), "en"),
    )
    queue_mail(
        uow,
        to=email,
        subject=translate("mail.venue_invitation.subject", language, venue=venue.name),
        body=translate(
            "mail.venue_invitation.body",
            language,
            inviter=actor.full_name,
            venue=venue.name,
            role=translate(f"venue.role.{command.role}", language),
            days=settings.venue_invitation_ttl_days,
            link=staff_link(settings, f"/staff/invitations/accept?token={token}"),
            token=token,
        ),
    )
    audit.record(
        uow,
        "venue_invitation_sent",
        command.client,
        user_id=actor.id,
        entity_type="venue",
        entity_id=venue.id,
        data={"email": email, "role": command.role},
    )
    return invitation


async def invitations(uow: UnitOfWork, actor: User, command: VenueRef) -> list[VenueInvitation]:
    venue = await access.member_venue(uow, command.venue_id, actor, owner=True)
    rows = await uow.scalars(
        select(VenueInvitation)
        .where(VenueInvitation.venue_id == venue.id)
        .order_by(VenueInvitation.created_at.desc())
    )
    return list(rows)


async def revoke_invitation(uow: UnitOfWork, actor: User, command: RevokeInvitation) -> None:
    venue = await access.member_venue(uow, command.venue_id, actor, owner=True)
    result = await uow.execute(
        delete(VenueInvitation).where(
            VenueInvitation.id == command.invitation_id,
            VenueInvitation.venue_id == venue.id,
            VenueInvitation.accepted_at.is_(None),
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFound()


async def accept_invitation(
    uow: UnitOfWork, actor: User, command: AcceptInvitation
) -> tuple[Venue, str]:
    """Only the invited address may accept, once, before it expires, and only while its
    sender is still an owner of the venue (an owner removed or made staff no longer
    vouches for whom they invited)."""
    by_token = VenueInvitation.token_hash == hash_token(command.token)
    venue_id = await uow.scalar(select(VenueInvitation.venue_id).where(by_token))
    if venue_id is None:
        raise BadRequest("invalid_invitation")
    # The venue first, then the invitation: the order of every membership change.
    await lock_membership(uow, venue_id)
    invitation = await uow.scalar(
        select(VenueInvitation)
        .where(by_token)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.expires_at <= datetime.now(UTC)
        or invitation.invited_by is None
        or await access.role_in(uow, venue_id, invitation.invited_by) != "owner"
    ):
        raise BadRequest("invalid_invitation")
    if invitation.email != actor.email:
        raise Forbidden("invitation_other_email")
    venue = await uow.get(Venue, invitation.venue_id)
    assert venue is not None  # ON DELETE CASCADE
    member = await uow.get(VenueMember, (venue.id, actor.id))
    if member is None:
        uow.add(VenueMember(venue_id=venue.id, user_id=actor.id, role=invitation.role))
    elif invitation.role == "owner":
        member.role = "owner"
    invitation.accepted_at = func.now()
    try:
        await uow.flush()
    except IntegrityError as exc:  # accepted twice at once
        raise BadRequest("invalid_invitation") from exc
    audit.record(
        uow,
        "venue_invitation_accepted",
        command.client,
        user_id=actor.id,
        entity_type="venue",
        entity_id=venue.id,
    )
    role = member.role if member is not None else invitation.role
    return venue, role


async def appoint_owner(uow: UnitOfWork, actor: User, command: AppointOwner) -> list[MemberOut]:
    """An administrator makes an account an owner: for a venue left without one (its last
    owner's account deleted with no staff to take over) or a venue's request. Answers with
    the venue's members."""
    if not actor.is_admin:
        raise Forbidden()
    if not await lock_membership(uow, command.venue_id):
        raise NotFound()
    venue = await uow.get(Venue, command.venue_id)
    assert venue is not None  # locked above
    user = await uow.scalar(select(User).where(User.email == command.email.lower()))
    if user is None or not user.is_active:
        raise FieldError("email", "unknown_account")
    member = await uow.get(VenueMember, (venue.id, user.id))
    if member is None:
        uow.add(VenueMember(venue_id=venue.id, user_id=user.id, role="owner"))
    else:
        member.role = "owner"
    audit.record(
        uow,
        "venue_owner_appointed",
        command.client,
        user_id=actor.id,
        entity_type="venue",
        entity_id=venue.id,
        data={"owner": str(user.id)},
    )
    await uow.flush()
    return await _members(uow, venue)


def mark_verified(venue: Venue, verified_by: uuid.UUID | None, note: str) -> None:
    """Record the venue as verified: by whom (None: the operator's command line) and what
    was checked."""
    venue.verification = "verified"
    venue.verified_by = verified_by
    venue.verified_at = datetime.now(UTC)
    venue.verification_note = note


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise Forbidden()


async def pending_venues(uow: UnitOfWork, actor: User, limit: int) -> list[PendingVenueOut]:
    """Venues waiting for verification, oldest first (they have waited longest), with their
    owners to contact and how many items they took in meanwhile."""
    _require_admin(actor)
    venues = list(
        await uow.scalars(
            select(Venue)
            .where(Venue.verification == "pending")
            .order_by(Venue.created_at, Venue.id)
            .limit(limit)
        )
    )
    ids = [venue.id for venue in venues]
    owners: dict[uuid.UUID, list[VenueOwnerOut]] = {}
    rows = await uow.execute(
        select(VenueMember.venue_id, User)
        .join(User, User.id == VenueMember.user_id)
        .where(VenueMember.venue_id.in_(ids), VenueMember.role == "owner")
        .order_by(VenueMember.created_at)
    )
    for venue_id, user in rows:
        owners.setdefault(venue_id, []).append(
            VenueOwnerOut(user_id=user.id, full_name=user.full_name, email=user.email)
        )
    counted = await uow.execute(
        select(Item.venue_id, func.count()).where(Item.venue_id.in_(ids)).group_by(Item.venue_id)
    )
    counts: dict[uuid.UUID | None, int] = {venue_id: count for venue_id, count in counted}
    return [
        PendingVenueOut(
            id=venue.id,
            name=venue.name,
            location=venue.location,
            location_type=venue.location_type,
            latitude=float(venue.latitude),
            longitude=float(venue.longitude),
            desk_phone=venue.desk_phone,
            desk_email=venue.desk_email,
            owners=owners.get(venue.id, []),
            item_count=counts.get(venue.id, 0),
            created_at=venue.created_at,
        )
        for venue in venues
    ]


async def verify_venue(uow: UnitOfWork, actor: User, command: VerifyVenue) -> VerificationOut:
    """An administrator verifies a pending venue, saying what they checked. Its open found
    items, kept out of matching while it was pending, have their analysis queued again, so
    that they are matched with the public's reports as if they had just been taken in."""
    _require_admin(actor)
    # FOR NO KEY UPDATE (as venues.locks): two verifications of one venue run one after the
    # other, while intake (inserting items that reference the venue) never waits on it.
    venue = await uow.get(Venue, command.venue_id, with_for_update={"key_share": True})
    if venue is None:
        raise NotFound()
    if venue.is_verified:
        raise Conflict("venue_already_verified")
    mark_verified(venue, actor.id, command.note)
    await uow.flush()
    # Locked FOR UPDATE: an analysis matching one of them right now (holding its key-share
    # lock, having read the venue as pending) finishes first, and its item is queued again
    # after it rather than left unmatched.
    held = list(
        await uow.scalars(
            select(Item)
            .where(
                Item.venue_id == venue.id,
                Item.type == "found",
                Item.status == "open",
                Item.is_hidden.is_(False),
            )
            .order_by(Item.id)
            .with_for_update()
        )
    )
    for item in held:
        item.analysis_status = "pending"
        item.analysis_error = None
        enqueue_analysis(uow, item.id)
    audit.record(
        uow,
        "venue_verified",
        command.client,
        user_id=actor.id,
        entity_type="venue",
        entity_id=venue.id,
        data={"note": command.note, "items_requeued": len(held)},
    )
    await uow.flush()
    return VerificationOut(
        venue_id=venue.id,
        verification="verified",
        verified_by=venue.verified_by,
        verified_at=venue.verified_at,
        verification_note=venue.verification_note,
        items_requeued=len(held),
    )
