"""Push notifications to phones (Firebase Cloud Messaging HTTP v1)."""

from __future__ import annotations

from mafqood.core.config import Settings
from mafqood.push.fcm import (
    FcmClient,
    PushConfigError,
    PushError,
    PushTemporaryError,
    SendResult,
    ServiceAccount,
)


def make_fcm_client(settings: Settings) -> FcmClient | None:
    """None when no credentials are configured: pushes are then skipped (and logged)."""
    if settings.fcm_credentials_file is None:
        return None
    account = ServiceAccount.from_file(settings.fcm_credentials_file)
    return FcmClient(
        account,
        base_url=settings.fcm_base_url,
        token_url=settings.fcm_token_url,
        project_id=settings.fcm_project_id,
        max_attempts=settings.fcm_max_attempts,
        backoff_s=settings.fcm_backoff_seconds,
        timeout_s=settings.fcm_timeout_seconds,
    )


__all__ = [
    "FcmClient",
    "PushConfigError",
    "PushError",
    "PushTemporaryError",
    "SendResult",
    "ServiceAccount",
    "make_fcm_client",
]
