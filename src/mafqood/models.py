"""Imports every domain's models so that the metadata (and Alembic) sees all tables."""

from mafqood.audit.models import AuditLog
from mafqood.core.db import Base
from mafqood.documents.models import DocumentNotice, ItemDocument
from mafqood.items.models import Item, ItemObjectVector, ItemPhoto, ItemView
from mafqood.lifecycle.models import Claim, Disposal, Handover, Match
from mafqood.messaging.models import Message, MessageRead, MessageReport, MessageThread
from mafqood.moderation.models import ItemReport
from mafqood.notifications.models import DeviceToken, Notification
from mafqood.public.models import WebReport
from mafqood.users.models import RefreshToken, User
from mafqood.venues.models import Venue, VenueInvitation, VenueMember
from mafqood.worker.outbox import OutboxJob

__all__ = [
    "AuditLog",
    "Base",
    "Claim",
    "DeviceToken",
    "Disposal",
    "DocumentNotice",
    "Handover",
    "Item",
    "ItemDocument",
    "ItemObjectVector",
    "ItemPhoto",
    "ItemReport",
    "ItemView",
    "Match",
    "Message",
    "MessageRead",
    "MessageReport",
    "MessageThread",
    "Notification",
    "OutboxJob",
    "RefreshToken",
    "User",
    "Venue",
    "VenueInvitation",
    "VenueMember",
    "WebReport",
]
