from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

from mafqood.storage.base import StorageError

MEDIA_ROUTE = "/media"


class LocalStorage:
    """Files under a directory, served by the API itself at /media/<key>."""

    def __init__(self, root: Path, public_base_url: str | None) -> None:
        self.root = root.resolve()
        # Without a public base the URLs are relative to the service itself.
        self.base_url = (public_base_url or "").rstrip("/") + MEDIA_ROUTE

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError(f"key outside storage root: {key!r}")
        return path

    def _write(self, key: str, data: bytes) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
        partial.write_bytes(data)
        os.replace(partial, path)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        try:
            await asyncio.to_thread(self._write, key, data)
        except OSError as exc:
            raise StorageError(str(exc)) from exc

    async def get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self.path(key).read_bytes)
        except OSError as exc:
            raise StorageError(str(exc)) from exc

    async def delete(self, keys: list[str]) -> None:
        def remove() -> None:
            for key in keys:
                self.path(key).unlink(missing_ok=True)

        await asyncio.to_thread(remove)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path(key).is_file)

    def url(self, key: str) -> str:
        return f"{self.base_url}/{key}"

    async def healthy(self) -> bool:
        def probe() -> bool:
            self.root.mkdir(parents=True, exist_ok=True)
            return os.access(self.root, os.W_OK)

        return await asyncio.to_thread(probe)
