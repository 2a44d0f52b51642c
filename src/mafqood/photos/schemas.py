"""Response bodies of the photo upload."""

from __future__ import annotations

from pydantic import BaseModel


class UploadOut(BaseModel):
    url: str
    thumbnail_url: str
    small_thumbnail_url: str
