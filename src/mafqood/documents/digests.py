"""Keyed hashes of identifiers. The key is derived from SECRET_KEY, so it rotates with it;
during a rotation every identifier is also hashed under each key of SECRET_KEY_PREVIOUS, so a
report stored before the rotation still meets one stored after it."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from mafqood.documents.identifiers import normalise_identifier

_PURPOSE = b"mafqood document identifiers v1"


def document_key(secret: str) -> bytes:
    """This purpose's own key, so that no other use of SECRET_KEY shares it."""
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def identifier_digests(identifier: str, secrets: Iterable[str]) -> list[str]:
    """The identifier's hash under each key (current first), hex; none for an identifier
    too short to identify anything."""
    value = normalise_identifier(identifier)
    if len(value) < 6:
        return []
    return [
        hmac.new(document_key(secret), value.encode(), hashlib.sha256).hexdigest()
        for secret in secrets
    ]
