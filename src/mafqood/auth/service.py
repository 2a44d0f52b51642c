"""Accounts and sessions: registration, login, refresh-token rotation with reuse detection,
logout and the password-reset flow."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from mafqood.audit import service as audit
from mafqood.auth import throttle
from mafqood.auth.ports import AuthServices
from mafqood.auth.schemas import RegisterIn
from mafqood.core.errors import BadRequest, Conflict, Unauthorized
from mafqood.core.i18n import language_or_default, translate
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.realtime.bus import EventBus
from mafqood.users.models import RefreshToken, User
from mafqood.users.tokens import TokenError, hash_token
from mafqood.users.weblinks import NO_PASSWORD


@dataclass(frozen=True)
class Session:
    user: User
    access_token: str
    refresh_token: str


@dataclass(frozen=True)
class ResetMail:
    to: str
    subject: str
    body: str


def _now() -> datetime:
    return datetime.now(UTC)


async def _find_by_email(session: UnitOfWork, email: str) -> User | None:
    result = await session.execute(select(User).where(User.email == email.lower()))
    return result.scalar_one_or_none()


async def _start_refresh(
    session: UnitOfWork,
    container: AuthServices,
    user: User,
    client: ClientInfo,
    family_id: uuid.UUID | None = None,
) -> tuple[RefreshToken, str]:
    token_id = uuid.uuid4()
    token = container.tokens.refresh_token(user.id, token_id)
    row = RefreshToken(
        id=token_id,
        user_id=user.id,
        family_id=family_id or token_id,
        token_hash=hash_token(token),
        expires_at=_now() + container.tokens.refresh_ttl,
        ip_address=client.ip,
        user_agent=client.user_agent,
    )
    session.add(row)
    await session.flush()
    return row, token


async def _open_session(
    session: UnitOfWork, container: AuthServices, user: User, client: ClientInfo
) -> Session:
    row, refresh = await _start_refresh(session, container, user, client)
    access = await _access_token(session, container, user, row.family_id)
    return Session(user, access, refresh)


async def _access_token(
    session: UnitOfWork, container: AuthServices, user: User, family_id: uuid.UUID
) -> str:
    desk = await container.is_desk_member(session, user.id)
    return container.tokens.access_token(user.id, user.email, user.is_venue, family_id, desk=desk)


async def register(
    session: UnitOfWork, container: AuthServices, data: RegisterIn, client: ClientInfo
) -> Session:
    email = data.email.lower()
    # Hash before touching the database: a request waiting for the CPU-heavy hash must not
    # hold a pooled connection (under a burst of sign-ups that starved every other request).
    password_hash = await container.passwords.hash(data.password)
    existing = await _find_by_email(session, email)
    if existing is not None and existing.password_hash == NO_PASSWORD:
        return await _keep_web_account(session, container, existing, data, password_hash, client)
    if existing is not None:
        raise Conflict("email_taken")
    user = User(
        email=email,
        password_hash=password_hash,
        full_name=data.full_name,
        phone=data.phone,
        is_venue=data.is_venue,
        preferred_language=data.preferred_language or "en",
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:  # two registrations of one email at the same moment
        raise Conflict("email_taken") from exc
    await session.refresh(user)
    audit.record(
        session, "register", client, user_id=user.id, entity_type="user", entity_id=user.id
    )
    return await _open_session(session, container, user, client)


async def _keep_web_account(
    session: UnitOfWork,
    container: AuthServices,
    user: User,
    data: RegisterIn,
    password_hash: str,
    client: ClientInfo,
) -> Session:
    """Signing up with the address of an account made by a web report: the account (and so
    its reports, matches and claims) becomes the app's; its status links stop working."""
    await session.refresh(user, with_for_update=True)
    if user.password_hash != NO_PASSWORD:  # signed up a moment ago by another request
        raise Conflict("email_taken")
    user.password_hash = password_hash
    user.full_name = data.full_name
    user.phone = data.phone
    user.preferred_language = data.preferred_language or user.preferred_language
    user.web_link_nonce = None
    audit.record(
        session,
        "register_web_account",
        client,
        user_id=user.id,
        entity_type="user",
        entity_id=user.id,
    )
    return await _open_session(session, container, user, client)


async def login(
    session: UnitOfWork, container: AuthServices, email: str, password: str, client: ClientInfo
) -> Session:
    user = await _find_by_email(session, email)
    await throttle.check_login(session, container, email, client)
    # End the read and give its connection back while the hash is checked (see register).
    await session.commit()
    # Always verify a hash, even for an unknown email, so timing does not reveal accounts.
    valid = await container.passwords.verify(password, user.password_hash if user else None)
    if user is None or not valid:
        audit.record(
            session,
            "login_failed",
            client,
            user_id=user.id if user else None,
            data={"email": email.lower()},
            status=401,
        )
        await throttle.record_login_failure(session, container, email, user)
        await session.commit()
        raise Unauthorized("invalid_credentials")
    if not user.is_active:
        raise Unauthorized("account_disabled")
    user.last_login_at = _now()
    audit.record(session, "login", client, user_id=user.id, entity_type="user", entity_id=user.id)
    return await _open_session(session, container, user, client)


def _decode_refresh(container: AuthServices, token: str) -> dict[str, Any]:
    try:
        claims = container.tokens.decode(token, "refresh")
        uuid.UUID(str(claims.get("token_id")))
    except TokenError as exc:
        raise Unauthorized(exc.code) from exc
    except ValueError as exc:
        raise Unauthorized("invalid_token") from exc
    return claims


def end_sockets_on_commit(
    session: UnitOfWork, bus: EventBus, user_id: uuid.UUID, sid: uuid.UUID | None
) -> None:
    """Once the revocation has committed, every API process closes the open sockets of login
    `sid` (None: of every login of the user). HTTP requests need no message: they check."""

    async def announce() -> None:
        await bus.end_sessions(user_id, sid)

    session.after_commit(announce)


async def _revoke_family(session: UnitOfWork, family_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


async def refresh(
    session: UnitOfWork, container: AuthServices, token: str, client: ClientInfo
) -> Session:
    claims = _decode_refresh(container, token)
    row = (
        await session.execute(
            select(RefreshToken)
            .where(RefreshToken.id == uuid.UUID(claims["token_id"]))
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None or row.token_hash != hash_token(token):
        raise Unauthorized("invalid_token")
    if row.revoked_at is not None:
        if row.replaced_by is not None:
            # A token that was already exchanged is back: someone holds a stolen copy.
            # End the whole login so neither copy keeps working.
            await _revoke_family(session, row.family_id)
            end_sockets_on_commit(session, container.bus, row.user_id, row.family_id)
            audit.record(
                session,
                "refresh_token_reuse",
                client,
                user_id=row.user_id,
                entity_type="refresh_token",
                entity_id=row.id,
                status=401,
            )
            await session.commit()
            raise Unauthorized("token_reused")
        raise Unauthorized("invalid_token")
    user = await session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Unauthorized("invalid_token")
    new_row, new_token = await _start_refresh(session, container, user, client, row.family_id)
    row.revoked_at = _now()
    row.replaced_by = new_row.id
    access = await _access_token(session, container, user, row.family_id)
    return Session(user, access, new_token)


async def logout(session: UnitOfWork, container: AuthServices, token: str) -> None:
    try:
        claims = container.tokens.decode(token, "refresh")
    except TokenError as exc:
        if exc.code == "token_expired":
            return  # nothing left to revoke
        raise Unauthorized("invalid_token") from exc
    row = await session.get(RefreshToken, uuid.UUID(str(claims.get("token_id"))))
    if row is None or row.token_hash != hash_token(token):
        raise Unauthorized("invalid_token")
    await _revoke_family(session, row.family_id)
    end_sockets_on_commit(session, container.bus, row.user_id, row.family_id)


async def request_password_reset(
    session: UnitOfWork, container: AuthServices, email: str, client: ClientInfo
) -> ResetMail | None:
    """The mail to send, or None for an unknown address or a mailbox that has had its share of
    reset mail lately (the caller answers the same)."""
    if not await throttle.reset_mail_allowed(container, email):
        return None
    user = await _find_by_email(session, email)
    if user is None or not user.is_active:
        return None
    token = container.tokens.reset_token(user.id, user.password_hash)
    language = language_or_default(user.preferred_language)
    link = f"{container.settings.password_reset_url}?token={token}"
    audit.record(session, "password_reset_requested", client, user_id=user.id)
    return ResetMail(
        to=user.email,
        subject=translate("mail.reset.subject", language),
        body=translate(
            "mail.reset.body",
            language,
            name=user.full_name,
            link=link,
            token=token,
            minutes=container.settings.password_reset_ttl_seconds // 60,
        ),
    )


async def reset_password(
    session: UnitOfWork,
    container: AuthServices,
    token: str,
    new_password: str,
    client: ClientInfo,
) -> None:
    try:
        claims = container.tokens.decode(token, "reset")
    except TokenError as exc:
        raise BadRequest("invalid_reset_token") from exc
    user = await session.get(User, uuid.UUID(claims["user_id"]), with_for_update=True)
    if user is None or not container.tokens.reset_token_matches(claims, user.password_hash):
        raise BadRequest("invalid_reset_token")
    user.password_hash = await container.passwords.hash(new_password)
    # Every existing login ends: whoever knew the old password must sign in again.
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    end_sockets_on_commit(session, container.bus, user.id, None)
    audit.record(
        session, "password_reset", client, user_id=user.id, entity_type="user", entity_id=user.id
    )
