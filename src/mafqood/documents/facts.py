"""A report's document facts, merged from what its photo showed and what its owner stated,
and what two reports' facts say about being the same document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from stdnum import luhn

from mafqood.documents.digests import identifier_digests
from mafqood.documents.identifiers import normalise_identifier, valid_emirates_id
from mafqood.documents.names import name_tokens, names_agree

Evidence = Literal["identifier", "name", "conflict"]


class FactsRow(Protocol):
    @property
    def kind(self) -> str | None: ...
    @property
    def issuer(self) -> str | None: ...
    @property
    def card_last4(self) -> str | None: ...
    @property
    def digests(self) -> list[str]: ...
    @property
    def name_tokens(self) -> list[str]: ...


@dataclass(frozen=True)
class Facts:
    kind: str | None = None
    issuer: str | None = None
    card_last4: str | None = None
    digests: tuple[str, ...] = ()
    name_tokens: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()

    @classmethod
    def merge(cls, rows: Iterable[FactsRow]) -> Facts:
        kind = issuer = last4 = None
        digests: list[str] = []
        tokens: set[str] = set()
        for row in rows:
            kind = kind or row.kind
            issuer = issuer or row.issuer
            last4 = last4 or row.card_last4
            digests.extend(d for d in row.digests if d not in digests)
            tokens.update(row.name_tokens)
        return cls(kind, issuer, last4, tuple(digests), tuple(sorted(tokens)))


def stated(number: str | None, name: str | None, secrets: Sequence[str]) -> Facts | None:
    """What the owner of a lost document stated: its number (kept as hashes; a card's last
    four digits alone are kept as they are) and the name on it (as tokens)."""
    if not number and not name:
        return None
    kind = issuer = last4 = None
    digests: list[str] = []
    fields: list[str] = []
    if number:
        value = normalise_identifier(number)
        fields.append("number")
        if len(value) == 4 and value.isdigit():
            last4, kind = value, "bank_card"
        else:
            digests = identifier_digests(value, secrets)
            if valid_emirates_id(value):
                kind, issuer = "emirates_id", "ARE"
            elif value.isdigit() and 13 <= len(value) <= 19 and luhn.is_valid(value):
                kind, last4 = "bank_card", value[-4:]
    tokens = name_tokens(name)
    if tokens:
        fields.append("name")
    return Facts(kind, issuer, last4, tuple(digests), tuple(tokens), tuple(fields))


def read(
    kind: str | None,
    issuer: str | None,
    identifiers: Sequence[str],
    card_last4: str | None,
    tokens: Sequence[str],
    fields: Sequence[str],
    secrets: Sequence[str],
) -> Facts:
    """What a vision worker read on a photo, with the identifiers hashed."""
    digests = [d for value in identifiers for d in identifier_digests(value, secrets)]
    return Facts(kind, issuer, card_last4, tuple(digests), tuple(tokens), tuple(fields))


def _same(a: str | None, b: str | None) -> bool:
    """Unknown on either side agrees with anything."""
    return a is None or b is None or a.casefold() == b.casefold()


def compare(lost: Facts, found: Facts) -> Evidence | None:
    """What the two reports' documents say: the same identifier (certain), the stated name
    on a document of the same kind and issuer (probable), a different identifier or card
    (not the same document), or nothing either way."""
    if set(lost.digests) & set(found.digests):
        return "identifier"
    if lost.digests and found.digests:
        return "conflict"
    if lost.card_last4 and found.card_last4 and lost.card_last4 != found.card_last4:
        return "conflict"
    if (
        names_agree(list(lost.name_tokens), list(found.name_tokens))
        and _same(lost.kind, found.kind)
        and _same(lost.issuer, found.issuer)
    ):
        return "name"
    return None
