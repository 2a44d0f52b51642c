"""Where the dashboard may send a browser: its own pages, nothing else.

Every redirect target of the dashboard passes through `safe_target`, whether it comes from
the code, a form's `next`, the `back` parameter, the X-Back header or the Referer: a target
taken from the request unchecked makes the dashboard an open redirect (a link on our domain
that lands on a look-alike sign-in page elsewhere).
"""

from __future__ import annotations

import re
from typing import overload
from urllib.parse import unquote, urlsplit

from fastapi import Request

HOME = "/staff/"
# Controls and spaces (browsers drop tabs and newlines inside a URL, so "/\t/evil" reads
# "//evil"), and backslashes (browsers read "/\evil" as "//evil").
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")
_DECODE_ROUNDS = 4


@overload
def safe_target(
    request: Request, target: str | None, default: str = HOME, *, keep_query: bool = True
) -> str: ...


@overload
def safe_target(
    request: Request, target: str | None, default: None, *, keep_query: bool = True
) -> str | None: ...


def safe_target(
    request: Request, target: str | None, default: str | None = HOME, *, keep_query: bool = True
) -> str | None:
    """The target as a path of this dashboard (under /staff, on this origin), or `default`
    when it is anything else. An absolute URL is accepted only on the request's own origin
    (the Referer is one); the query is kept unless keep_query is False; a fragment never."""
    if not target or _UNSAFE.search(target):
        return default
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != (
        request.url.scheme,
        request.url.netloc,
    ):
        return default
    if not _is_staff_path(parts.path):
        return default
    decoded = parts.path
    for _ in range(_DECODE_ROUNDS):  # "%252F" is "%2F" once decoded, "/" twice
        decoded, previous = unquote(decoded), decoded
        if decoded == previous:
            break
    else:
        return default
    if _UNSAFE.search(decoded) or not _is_staff_path(decoded):
        return default
    if keep_query and parts.query:
        return f"{parts.path}?{parts.query}"
    return parts.path


def _is_staff_path(path: str) -> bool:
    """/staff or below it, without empty, "." or ".." segments (a browser resolves
    "/staff/../x" to "/x", and "//x" is another host)."""
    if path == "/staff":
        return True
    if not path.startswith("/staff/"):
        return False
    *inner, last = path.split("/")[2:]
    return all(segment not in ("", ".", "..") for segment in inner) and last not in (".", "..")
