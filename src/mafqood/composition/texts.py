"""Every domain's texts, registered with the one lookup (core.i18n) by each process that
says something to a person: the API with its dashboard, a worker, a command that notifies."""

from __future__ import annotations

from mafqood.admin.texts import TEXTS as ADMIN
from mafqood.auth.texts import TEXTS as AUTH
from mafqood.core import i18n
from mafqood.core.config import Settings
from mafqood.items.texts import TEXTS as ITEMS
from mafqood.lifecycle.texts import TEXTS as LIFECYCLE
from mafqood.matching.texts import TEXTS as MATCHING
from mafqood.messaging.texts import TEXTS as MESSAGING
from mafqood.moderation.texts import TEXTS as MODERATION
from mafqood.notifications.texts import TEXTS as NOTIFICATIONS
from mafqood.photos.texts import TEXTS as PHOTOS
from mafqood.privacy.texts import TEXTS as PRIVACY
from mafqood.public.texts import TEXTS as PUBLIC
from mafqood.staff.texts import TEXTS as DASHBOARD
from mafqood.venues.texts import TEXTS as VENUES

CATALOGS: tuple[i18n.Catalog, ...] = (
    i18n.TEXTS,
    AUTH,
    PHOTOS,
    ITEMS,
    MATCHING,
    LIFECYCLE,
    NOTIFICATIONS,
    PRIVACY,
    MODERATION,
    MESSAGING,
    ADMIN,
    VENUES,
    DASHBOARD,
    PUBLIC,
)


def register_texts(settings: Settings) -> None:
    i18n.register(*CATALOGS)
    # A missing text is a bug: where it can still be fixed, it fails loudly.
    if settings.environment != "production":
        i18n.refuse_missing()
