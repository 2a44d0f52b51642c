from __future__ import annotations

import asyncio
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from mafqood.storage.base import IMMUTABLE_CACHE_CONTROL, StorageError


class S3Storage:
    """An S3-compatible bucket (AWS S3, MinIO, R2). boto3 is blocking, so calls run in threads."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        public_base_url: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(
                signature_version="s3v4",
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=3,
            ),
        )
        default_base = (
            f"{endpoint_url.rstrip('/')}/{bucket}"
            if endpoint_url
            else (f"https://{bucket}.s3.{region}.amazonaws.com")
        )
        self.base_url = (public_base_url or default_base).rstrip("/")

    async def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return await asyncio.to_thread(getattr(self.client, method), **kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"{method}: {exc}") from exc

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self._call(
            "put_object",
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            CacheControl=IMMUTABLE_CACHE_CONTROL,
        )

    async def get(self, key: str) -> bytes:
        response = await self._call("get_object", Bucket=self.bucket, Key=key)
        body: bytes = await asyncio.to_thread(response["Body"].read)
        return body

    async def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):  # the API's limit per call
            chunk = keys[start : start + 1000]
            await self._call(
                "delete_objects",
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True},
            )

    async def exists(self, key: str) -> bool:
        try:
            await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise StorageError(str(exc)) from exc
        return True

    async def ensure_bucket(self) -> None:
        try:
            await asyncio.to_thread(self.client.head_bucket, Bucket=self.bucket)
        except ClientError:
            await self._call("create_bucket", Bucket=self.bucket)

    def url(self, key: str) -> str:
        return f"{self.base_url}/{key}"

    def presigned_url(self, key: str, expires_s: int = 3600) -> str:
        """A time-limited link for private objects (signed locally, no request made)."""
        url: str = self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_s
        )
        return url

    async def healthy(self) -> bool:
        await self._call("head_bucket", Bucket=self.bucket)
        return True
