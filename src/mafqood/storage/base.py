"""Where photos live. One interface, two real backends (local directory, S3-compatible)."""

from __future__ import annotations

from typing import Protocol

# Photo keys never change content, so browsers and CDNs may keep them for a year.
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"


class StorageError(Exception):
    """The backend could not store or delete; the request fails without writing a row."""


class Storage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, keys: list[str]) -> None: ...

    async def exists(self, key: str) -> bool: ...

    # Every key's public URL is f"{base_url}/{key}" (what url() answers), so a listing finds
    # the base once rather than asking for each photo's three files.
    base_url: str

    def url(self, key: str) -> str: ...

    async def healthy(self) -> bool: ...
