"""Photo storage: pick the backend from settings."""

from __future__ import annotations

from mafqood.core.config import Settings
from mafqood.storage.base import Storage, StorageError
from mafqood.storage.local import LocalStorage
from mafqood.storage.s3 import S3Storage


def make_storage(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        return S3Storage(
            settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=(
                settings.s3_secret_access_key.get_secret_value()
                if settings.s3_secret_access_key
                else None
            ),
            public_base_url=settings.s3_public_base_url,
        )
    return LocalStorage(settings.data_dir / "media", settings.public_base_url)


__all__ = ["LocalStorage", "S3Storage", "Storage", "StorageError", "make_storage"]
