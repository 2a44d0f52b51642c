"""Export and deletion of everything stored about one user."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, or_, select

from mafqood.audit import service as audit
from mafqood.audit.models import AuditLog
from mafqood.core.errors import Forbidden
from mafqood.core.request_context import ClientInfo
from mafqood.core.unit_of_work import UnitOfWork
from mafqood.items.models import Item, ItemPhoto, ItemView
from mafqood.lifecycle.models import Claim, Handover, Match
from mafqood.messaging import privacy as message_privacy
from mafqood.moderation.models import ItemReport
from mafqood.notifications.models import DeviceToken, Notification
from mafqood.photos.service import photo_keys, photo_urls
from mafqood.privacy.schemas import (
    ExportActivity,
    ExportClaim,
    ExportDevice,
    ExportHandover,
    ExportItem,
    ExportLogin,
    ExportMatch,
    ExportNotification,
    ExportOut,
    ExportPhoto,
    ExportProfile,
    ExportReport,
    ExportView,
)
from mafqood.public import privacy as public_privacy
from mafqood.storage import Storage
from mafqood.users.models import RefreshToken, User
from mafqood.users.passwords import PasswordHasher
from mafqood.venues import privacy as venue_privacy


def _ip(value: object) -> str | None:
    return None if value is None else str(value).split("/")[0]


def _photo(storage: Storage, key: str | None) -> ExportPhoto | None:
    if not key:
        return None
    url, thumbnail, small = photo_urls(storage, key)
    return ExportPhoto(url=url, thumbnail_url=thumbnail, small_thumbnail_url=small)


def avatar_key(user: User, storage: Storage) -> str | None:
    """The base storage key of the user's avatar, when we stored it."""
    base = storage.url("")
    if not user.avatar_url or not user.avatar_url.startswith(base + "avatars/"):
        return None
    return user.avatar_url[len(base) :].removesuffix("_thumb.jpg")


async def export(session: UnitOfWork, storage: Storage, user: User) -> ExportOut:
    items = list(
        (
            await session.execute(
                select(Item).where(Item.user_id == user.id).order_by(Item.created_at)
            )
        ).scalars()
    )
    mine = {item.id for item in items}
    matches: Iterable[Match] = (
        (
            await session.execute(
                select(Match)
                .where(or_(Match.user_item_id.in_(mine), Match.matched_item_id.in_(mine)))
                .order_by(Match.created_at)
            )
        ).scalars()
        if mine
        else []
    )
    exported_matches = []
    for match in matches:
        lost_side = match.user_item_id in mine
        exported_matches.append(
            ExportMatch(
                id=match.id,
                my_item_id=match.user_item_id if lost_side else match.matched_item_id,
                other_item_id=match.matched_item_id if lost_side else match.user_item_id,
                similarity_score=match.similarity_score,
                confidence=match.confidence,
                status=match.status,
                my_answer=(
                    match.user_item_owner_confirmed
                    if lost_side
                    else match.matched_item_owner_confirmed
                ),
                my_notes=match.user_item_owner_notes
                if lost_side
                else match.matched_item_owner_notes,
                created_at=match.created_at,
                updated_at=match.updated_at,
            )
        )

    async def rows(statement: Select[Any]) -> list[Any]:
        return list((await session.execute(statement)).scalars())

    notifications = await rows(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at)
    )
    devices = await rows(
        select(DeviceToken).where(DeviceToken.user_id == user.id).order_by(DeviceToken.created_at)
    )
    logins = await rows(
        select(RefreshToken)
        .where(RefreshToken.user_id == user.id)
        .order_by(RefreshToken.created_at)
    )
    activity = await rows(select(AuditLog).where(AuditLog.user_id == user.id).order_by(AuditLog.id))
    views = await rows(
        select(ItemView).where(ItemView.viewer_id == user.id).order_by(ItemView.created_at)
    )
    reports = await rows(
        select(ItemReport).where(ItemReport.reporter_id == user.id).order_by(ItemReport.created_at)
    )
    claims = await rows(
        select(Claim).where(Claim.claimant_id == user.id).order_by(Claim.created_at)
    )
    # Handed over to the user, or by them as a venue's staff member.
    handovers = await rows(
        select(Handover)
        .where(or_(Handover.collected_by_user_id == user.id, Handover.staff_id == user.id))
        .order_by(Handover.created_at)
    )
    return ExportOut(
        generated_at=datetime.now(UTC),
        profile=ExportProfile.model_validate(user, from_attributes=True),
        items=[
            ExportItem.model_validate(
                {
                    **{
                        name: getattr(item, name)
                        for name in ExportItem.model_fields
                        if name not in ("photo", "other_photos")
                    },
                    "photo": _photo(storage, item.image_key),
                    "other_photos": [_photo(storage, view.image_key) for view in item.photos[1:]],
                }
            )
            for item in items
        ],
        matches=exported_matches,
        notifications=[
            ExportNotification.model_validate(row, from_attributes=True) for row in notifications
        ],
        devices=[ExportDevice.model_validate(row, from_attributes=True) for row in devices],
        logins=[
            ExportLogin(
                created_at=row.created_at,
                expires_at=row.expires_at,
                revoked_at=row.revoked_at,
                ip_address=_ip(row.ip_address),
                user_agent=row.user_agent,
            )
            for row in logins
        ],
        activity=[
            ExportActivity(
                action=row.action,
                entity_type=row.entity_type,
                entity_id=row.entity_id,
                ip_address=_ip(row.ip_address),
                user_agent=row.user_agent,
                created_at=row.created_at,
            )
            for row in activity
        ],
        viewed_items=[ExportView(item_id=row.item_id, created_at=row.created_at) for row in views],
        reports=[ExportReport.model_validate(row, from_attributes=True) for row in reports],
        venue_memberships=await venue_privacy.memberships(session, user),
        claims=[ExportClaim.model_validate(row) for row in claims],
        handovers=[ExportHandover.model_validate(row) for row in handovers],
        **(await message_privacy.exported(session, user.id, storage.base_url)),
    )


async def delete_account(
    session: UnitOfWork,
    passwords: PasswordHasher,
    storage: Storage,
    user: User,
    password: str,
    client: ClientInfo,
) -> None:
    """Delete the user and everything that is theirs, once their password confirms it, in one
    transaction; their photos are removed from storage once that has committed.

    Rows that reference the user's reports go with them (matches, views, reports of them by
    others, and notifications to other users about them, which may carry the user's name or
    contact details). The user's earlier audit trail is deleted too; one `account_deleted`
    row remains, naming only the former account id.
    """
    # No pooled connection is held while the hash is checked.
    await session.commit()
    if not await passwords.verify(password, user.password_hash):
        audit.record(
            session,
            "account_deletion_refused",
            client,
            user_id=user.id,
            entity_type="user",
            entity_id=user.id,
            status=403,
        )
        raise Forbidden("password_incorrect")
    user_id = user.id
    item_rows = (
        await session.execute(select(Item.id, Item.image_key).where(Item.user_id == user_id))
    ).all()
    item_ids = [row.id for row in item_rows]
    other_views = await session.scalars(
        select(ItemPhoto.image_key).where(ItemPhoto.item_id.in_(item_ids), ItemPhoto.position > 0)
    )
    masked = await session.scalars(
        select(ItemPhoto.redacted_key).where(
            ItemPhoto.item_id.in_(item_ids), ItemPhoto.redacted_key.is_not(None)
        )
    )
    bases = (
        [row.image_key for row in item_rows if row.image_key]
        + list(other_views)
        + [key for key in masked if key]
    )
    keys = [key for base in bases for key in photo_keys(base)]
    avatar = avatar_key(user, storage)
    if avatar:
        keys.extend(photo_keys(avatar))
    # Before the reports and claims go: their threads' photos are found through them.
    keys.extend(await message_privacy.forget(session, user_id))
    if item_ids:
        match_ids = select(Match.id).where(
            or_(Match.user_item_id.in_(item_ids), Match.matched_item_id.in_(item_ids))
        )
        await session.execute(
            delete(Notification).where(
                or_(Notification.item_id.in_(item_ids), Notification.match_id.in_(match_ids))
            )
        )
    await venue_privacy.hand_over_ownership(session, user)
    await public_privacy.forget(session, user.email)
    await session.execute(delete(AuditLog).where(AuditLog.user_id == user_id))
    # Foreign keys with ON DELETE CASCADE take items (and their matches, views and reports),
    # notifications, devices, refresh tokens, views and reports made by the user.
    await session.execute(delete(User).where(User.id == user_id))
    session.expunge(user)
    audit.record(session, "account_deleted", client, entity_type="user", entity_id=user_id)
    await session.flush()
    if keys:

        async def remove_files() -> None:
            await storage.delete(keys)

        session.after_commit(remove_files)
