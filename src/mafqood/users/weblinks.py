"""Accounts made from a report on the web, without a password: people who reported a lost
item on a venue's page and confirmed their address. They follow their reports through a
signed status link instead of signing in.

A link is signed with the service's key and names the account and its current nonce: it
expires after WEB_LINK_MAX_AGE, an altered one fails its signature, and replacing the nonce
revokes every link sent before. Signing up in the app later with the same address turns the
account into an ordinary one and keeps its reports (auth.service.register).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from mafqood.core.config import Settings
from mafqood.users.models import User

# Never a bcrypt hash: no password matches it (passwords.verify refuses it).
NO_PASSWORD = "!web"
WEB_LINK_MAX_AGE = 30 * 86400
_SALT = "mafqood.web-status"


class LinkRefused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class LinkOwner:
    user_id: uuid.UUID
    nonce: str


def is_web_account(user: User) -> bool:
    return user.web_link_nonce is not None


def new_nonce() -> str:
    return secrets.token_hex(16)


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.signing_key(), salt=_SALT)


def status_token(settings: Settings, user: User) -> str:
    assert user.web_link_nonce is not None, "only web accounts have status links"
    return str(_serializer(settings).dumps([str(user.id), user.web_link_nonce]))


def read_status_token(settings: Settings, token: str) -> LinkOwner:
    """Whose link it is; LinkRefused("link_expired") past its age, ("link_invalid") when
    altered or not one of ours. The nonce is compared by the caller with the account's."""
    try:
        user_id, nonce = _serializer(settings).loads(token, max_age=WEB_LINK_MAX_AGE)
        return LinkOwner(uuid.UUID(str(user_id)), str(nonce))
    except SignatureExpired as exc:
        raise LinkRefused("link_expired") from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise LinkRefused("link_invalid") from exc


def web_url(settings: Settings, path: str) -> str:
    """A public page's address for a mail: the pages are served beside the dashboard."""
    base = settings.staff_base_url or settings.public_base_url
    if not base:
        base = f"http://{settings.host}:{settings.port}"
    return base.rstrip("/") + path


def status_url(settings: Settings, user: User) -> str:
    return web_url(settings, f"/v/status/{status_token(settings, user)}")
