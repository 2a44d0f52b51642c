"""Contact details in a message, hidden from the other side until contacts are shared.

Phone numbers are found by Google's libphonenumber (the `phonenumbers` port), which reads
international and local formats and Arabic-Indic digits; e-mail addresses and links (with or
without a scheme, like "example.com/x") by linkify-it. Someone who spells a number out in
words gets past any masking: the aim is the common case, a number or address pasted in before
both sides agreed, which the confirm-before-contact rule exists to prevent.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from linkify_it import LinkifyIt

MASK = "•••"
# Numbers without a country code are read as local to the service's region.
DEFAULT_REGION = "AE"

_links = LinkifyIt(options={"fuzzy_link": True, "fuzzy_email": True, "fuzzy_ip": True})


@dataclass(frozen=True)
class Masked:
    text: str
    kinds: tuple[str, ...]  # what was hidden: "phone", "email", "link"


def mask(text: str, region: str = DEFAULT_REGION) -> Masked:
    spans: list[tuple[int, int, str]] = []
    for found in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.POSSIBLE
    ):
        spans.append((found.start, found.end, "phone"))
    for link in _links.match(text) or []:
        kind = "email" if link.schema == "mailto:" else "link"
        spans.append((link.index, link.last_index, kind))
    if not spans:
        return Masked(text, ())
    spans.sort()
    parts: list[str] = []
    kinds: list[str] = []
    position = 0
    for start, end, kind in spans:
        if end <= position:
            continue  # inside a span already hidden (a number within a link)
        parts.append(text[position : max(start, position)])
        parts.append(MASK)
        position = end
        if kind not in kinds:
            kinds.append(kind)
    parts.append(text[position:])
    return Masked("".join(parts), tuple(kinds))
