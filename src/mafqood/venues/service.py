"""Venues and their members: creation (with the desk account), settings, members and
invitations mailed through the outbox."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from mafqood.audit import service as audit
from mafqood.auth.tokens import hash_token
from mafqood.core.config import Settings
from mafqood.core.errors import BadRequest, Conflict, FieldError, Forbidden, NotFound
from mafqood.core.i18n import SUPPORTED_LANGUAGES, Language, translate
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.users.models import User
from mafqood.venues.models import Venue, VenueInvitation, VenueMember
from mafqood.venues.retention import retention_days
from mafqood.venues.schemas import (
    InvitationIn,
    MemberOut,
    VenueIn,
    VenueOut,
    VenueUpdate,
)
from mafqood.worker.mail import queue_mail

# Desk accounts own a venue's found reports. They never sign in (inactive, no password
# anyone knows); this domain is reserved and never delivers mail.
DESK_EMAIL_DOMAIN = "desk.mafqood.invalid"
REQUIRED_FIELDS = frozenset(
    ("name", "location", "location_type", "latitude", "longitude", "languages", "retention_days")
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
        my_role=role,
        created_at=venue.created_at,
    )


async def create_venue(
    session: UnitOfWork, owner: User, data: VenueIn, client: ClientInfo
) -> Venue:
    """The venue, its desk account and its first owner, in the caller's transaction."""
    venue_id = uuid.uuid4()
    desk = User(
        id=uuid.uuid4(),
        email=f"{venue_id}@{DESK_EMAIL_DOMAIN}",
        password_hash="!",  # not a bcrypt hash: nothing ever verifies against it
        full_name=data.name,
        phone=data.desk_phone,
        is_venue=True,
        is_active=False,
        preferred_language=data.languages[0] if data.languages else "en",
    )
    session.add(desk)
    await session.flush()
    venue = Venue(
        id=venue_id,
        desk_user_id=desk.id,
        **data.model_dump(),
    )
    session.add(venue)
    await session.flush()
    session.add(VenueMember(venue_id=venue.id, user_id=owner.id, role="owner"))
    audit.record(
        session, "venue_created", client, user_id=owner.id, entity_type="venue", entity_id=venue.id
    )
    await session.flush()
    await session.refresh(venue)
    return venue


async def my_venues(session: UnitOfWork, user: User) -> list[tuple[Venue, str]]:
    rows = await session.execute(
        select(Venue, VenueMember.role)
        .join(VenueMember, VenueMember.venue_id == Venue.id)
        .where(VenueMember.user_id == user.id)
        .order_by(Venue.name)
    )
    return [(venue, role) for venue, role in rows]


async def update_venue(session: UnitOfWork, venue: Venue, data: VenueUpdate) -> Venue:
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field in REQUIRED_FIELDS:
            continue  # an explicit null leaves a required field as it is
        setattr(venue, field, value)
    if "name" in changes or "desk_phone" in changes:
        desk = await session.get(User, venue.desk_user_id)
        assert desk is not None
        desk.full_name = venue.name
        desk.phone = venue.desk_phone
    venue.updated_at = func.now()
    await session.flush()
    await session.refresh(venue)
    return venue


async def members(session: UnitOfWork, venue: Venue) -> list[MemberOut]:
    rows = await session.execute(
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
    session: UnitOfWork, venue: Venue, by: User, user_id: uuid.UUID, client: ClientInfo
) -> None:
    """Owners remove anyone; a staff member may only leave. The last owner stays."""
    member = await session.get(VenueMember, (venue.id, user_id), with_for_update=True)
    if member is None:
        raise NotFound()
    by_role = await session.scalar(
        select(VenueMember.role).where(
            VenueMember.venue_id == venue.id, VenueMember.user_id == by.id
        )
    )
    if by_role != "owner" and user_id != by.id:
        raise Forbidden("venue_owner_only")
    if member.role == "owner":
        owners = await session.scalar(
            select(func.count())
            .select_from(VenueMember)
            .where(VenueMember.venue_id == venue.id, VenueMember.role == "owner")
        )
        if (owners or 0) <= 1:
            raise Conflict("last_owner")
    await session.execute(
        delete(VenueMember).where(VenueMember.venue_id == venue.id, VenueMember.user_id == user_id)
    )
    audit.record(
        session,
        "venue_member_removed",
        client,
        user_id=by.id,
        entity_type="venue",
        entity_id=venue.id,
        data={"member": str(user_id)},
    )


def staff_link(settings: Settings, path: str) -> str:
    base = settings.staff_base_url or settings.public_base_url
    if not base:
        base = f"http://{settings.host}:{settings.port}"
    return base.rstrip("/") + path


async def invite(
    session: UnitOfWork,
    settings: Settings,
    venue: Venue,
    by: User,
    data: InvitationIn,
    client: ClientInfo,
) -> VenueInvitation:
    email = str(data.email).lower()
    existing = await session.scalar(
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
        role=data.role,
        token_hash=hash_token(token),
        invited_by=by.id,
        expires_at=datetime.now(UTC) + timedelta(days=settings.venue_invitation_ttl_days),
    )
    session.add(invitation)
    await session.flush()
    await session.refresh(invitation)
    invitee = await session.scalar(select(User).where(User.email == email))
    language: Language = next(
        (code for code in SUPPORTED_LANGUAGES if invitee and code == invitee.preferred_language),
        next((code for code in SUPPORTED_LANGUAGES if code in venue.languages), "en"),
    )
    queue_mail(
        session,
        to=email,
        subject=translate("mail.venue_invitation.subject", language, venue=venue.name),
        body=translate(
            "mail.venue_invitation.body",
            language,
            inviter=by.full_name,
            venue=venue.name,
            role=translate(f"venue.role.{data.role}", language),
            days=settings.venue_invitation_ttl_days,
            link=staff_link(settings, f"/staff/invitations/accept?token={token}"),
            token=token,
        ),
    )
    audit.record(
        session,
        "venue_invitation_sent",
        client,
        user_id=by.id,
        entity_type="venue",
        entity_id=venue.id,
        data={"email": email, "role": data.role},
    )
    return invitation


async def invitations(session: UnitOfWork, venue: Venue) -> list[VenueInvitation]:
    rows = await session.scalars(
        select(VenueInvitation)
        .where(VenueInvitation.venue_id == venue.id)
        .order_by(VenueInvitation.created_at.desc())
    )
    return list(rows)


async def revoke_invitation(session: UnitOfWork, venue: Venue, invitation_id: uuid.UUID) -> None:
    result = await session.execute(
        delete(VenueInvitation).where(
            VenueInvitation.id == invitation_id,
            VenueInvitation.venue_id == venue.id,
            VenueInvitation.accepted_at.is_(None),
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFound()


async def accept_invitation(
    session: UnitOfWork, user: User, token: str, client: ClientInfo
) -> tuple[Venue, str]:
    """Only the invited address may accept, once, before it expires."""
    invitation = await session.scalar(
        select(VenueInvitation)
        .where(VenueInvitation.token_hash == hash_token(token))
        .with_for_update()
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.expires_at <= datetime.now(UTC)
    ):
        raise BadRequest("invalid_invitation")
    if invitation.email != user.email:
        raise Forbidden("invitation_other_email")
    venue = await session.get(Venue, invitation.venue_id)
    assert venue is not None  # ON DELETE CASCADE
    member = await session.get(VenueMember, (venue.id, user.id))
    if member is None:
        session.add(VenueMember(venue_id=venue.id, user_id=user.id, role=invitation.role))
    elif invitation.role == "owner":
        member.role = "owner"
    invitation.accepted_at = func.now()
    try:
        await session.flush()
    except IntegrityError as exc:  # accepted twice at once
        raise BadRequest("invalid_invitation") from exc
    audit.record(
        session,
        "venue_invitation_accepted",
        client,
        user_id=user.id,
        entity_type="venue",
        entity_id=venue.id,
    )
    role = member.role if member is not None else invitation.role
    return venue, role


async def appoint_owner(
    session: UnitOfWork, venue_id: uuid.UUID, email: str, by: User, client: ClientInfo
) -> Venue:
    """An administrator makes an account an owner: for a venue left without one (its last
    owner's account deleted with no staff to take over) or a venue's request."""
    venue = await session.get(Venue, venue_id)
    if venue is None:
        raise NotFound()
    user = await session.scalar(select(User).where(User.email == email.lower()))
    if user is None or not user.is_active:
        raise FieldError("email", "unknown_account")
    member = await session.get(VenueMember, (venue.id, user.id), with_for_update=True)
    if member is None:
        session.add(VenueMember(venue_id=venue.id, user_id=user.id, role="owner"))
    else:
        member.role = "owner"
    audit.record(
        session,
        "venue_owner_appointed",
        client,
        user_id=by.id,
        entity_type="venue",
        entity_id=venue.id,
        data={"owner": str(user.id)},
    )
    await session.flush()
    return venue
