"""A small Firebase Cloud Messaging (HTTP v1) client on httpx.

Authentication is Google's service-account flow: a JWT signed with the account's private key
is exchanged at its token URI for an OAuth access token, kept until shortly before it expires.
The base URL is configurable so that tests (and regional endpoints) can point elsewhere.

Outcomes per token: sent; unregistered (the app was uninstalled or the token rotated: delete
it); rejected (a permanent error for this message). 429 and 5xx are retried with exponential
backoff (Retry-After wins when given); when the tries run out, PushTemporaryError tells the
caller to retry later.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal

import httpx
import jwt
import structlog

from mafqood.core.errors import TryAgainLater

log = structlog.get_logger(__name__)

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
# Longest wait inside one send; longer Retry-After values go back to the caller.
MAX_INLINE_WAIT_S = 30.0


class PushError(Exception):
    pass


class PushTemporaryError(PushError, TryAgainLater):
    """Worth retrying later (rate limited, FCM unavailable, network trouble)."""


class PushConfigError(PushError):
    """The credentials or project are wrong: no message can be sent until that is fixed."""


@dataclass(frozen=True)
class ServiceAccount:
    project_id: str
    client_email: str
    private_key: str
    token_uri: str = GOOGLE_TOKEN_URI
    private_key_id: str | None = None

    @classmethod
    def from_file(cls, path: Path) -> ServiceAccount:
        info = json.loads(path.read_text())
        try:
            return cls(
                project_id=info["project_id"],
                client_email=info["client_email"],
                private_key=info["private_key"],
                token_uri=info.get("token_uri") or GOOGLE_TOKEN_URI,
                private_key_id=info.get("private_key_id"),
            )
        except KeyError as exc:
            raise PushConfigError(f"service-account file lacks {exc}") from exc


Outcome = Literal["sent", "unregistered", "rejected"]


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    message_name: str | None = None
    error: str | None = None


def _error_details(response: httpx.Response) -> tuple[str, str]:
    """(status, FCM errorCode) of an error response, '' where absent."""
    try:
        error = response.json().get("error", {})
    except ValueError:
        return "", ""
    code = ""
    for detail in error.get("details", []) or []:
        if isinstance(detail, dict) and detail.get("errorCode"):
            code = str(detail["errorCode"])
    return str(error.get("status", "")), code


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class FcmClient:
    def __init__(
        self,
        account: ServiceAccount,
        *,
        base_url: str = "https://fcm.googleapis.com",
        token_url: str | None = None,
        project_id: str | None = None,
        max_attempts: int = 4,
        backoff_s: float = 0.5,
        timeout_s: float = 10.0,
    ) -> None:
        self.account = account
        self.project_id = project_id or account.project_id
        self.send_url = f"{base_url.rstrip('/')}/v1/projects/{self.project_id}/messages:send"
        self.token_url = token_url or account.token_uri
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self._http = httpx.AsyncClient(timeout=timeout_s)
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._http.aclose()

    def _assertion(self) -> str:
        now = int(time.time())
        claims = {
            "iss": self.account.client_email,
            "scope": SCOPE,
            "aud": self.token_url,
            "iat": now,
            "exp": now + 3600,
        }
        headers = {"kid": self.account.private_key_id} if self.account.private_key_id else None
        return jwt.encode(claims, self.account.private_key, algorithm="RS256", headers=headers)

    async def access_token(self) -> str:
        async with self._token_lock:
            if self._token and time.monotonic() < self._token_expires:
                return self._token
            try:
                response = await self._http.post(
                    self.token_url,
                    data={
                        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                        "assertion": self._assertion(),
                    },
                )
            except httpx.TransportError as exc:
                raise PushTemporaryError(f"token endpoint: {exc}") from exc
            if response.status_code == 429 or response.status_code >= 500:
                raise PushTemporaryError(
                    f"token endpoint answered {response.status_code}", _retry_after(response)
                )
            if response.status_code != 200:
                raise PushConfigError(
                    f"token endpoint refused the credentials ({response.status_code}): "
                    f"{response.text[:200]}"
                )
            body = response.json()
            self._token = str(body["access_token"])
            # Renew a minute early so a token never expires in flight.
            self._token_expires = time.monotonic() + max(0, int(body.get("expires_in", 3600)) - 60)
            return self._token

    def _forget_token(self) -> None:
        self._token = None
        self._token_expires = 0.0

    @staticmethod
    def message(
        token: str,
        title: str,
        body: str,
        data: dict[str, str] | None = None,
        badge: int | None = None,
    ) -> dict[str, Any]:
        aps: dict[str, Any] = {"sound": "default"}
        if badge is not None:
            aps["badge"] = badge
        return {
            "message": {
                "token": token,
                "notification": {"title": title, "body": body},
                "data": data or {},
                "android": {
                    "priority": "high",
                    "notification": {"sound": "default", "channel_id": "matches"},
                },
                "apns": {"payload": {"aps": aps}},
            }
        }

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        hinted = _retry_after(response) if response is not None else None
        if hinted is not None:
            return hinted
        base = float(self.backoff_s * 2 ** (attempt - 1))
        return base + random.uniform(0, base / 2)  # noqa: S311 - jitter, not security

    async def send(
        self,
        token: str,
        title: str,
        body: str,
        data: dict[str, str] | None = None,
        badge: int | None = None,
    ) -> SendResult:
        payload = self.message(token, title, body, data, badge)
        refreshed = False
        last_error = ""
        attempt = 0
        while attempt < self.max_attempts:
            attempt += 1
            response: httpx.Response | None = None
            try:
                access = await self.access_token()
                response = await self._http.post(
                    self.send_url, json=payload, headers={"Authorization": f"Bearer {access}"}
                )
            except PushTemporaryError as exc:
                last_error = str(exc)
            except httpx.TransportError as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            else:
                status = response.status_code
                if status == 200:
                    return SendResult("sent", message_name=response.json().get("name"))
                error_status, error_code = _error_details(response)
                last_error = f"{status} {error_status} {error_code}".strip()
                if status == 401 and not refreshed:
                    # The access token was revoked or expired early: get a new one once.
                    self._forget_token()
                    refreshed = True
                    attempt -= 1
                    continue
                if error_code in ("UNREGISTERED", "SENDER_ID_MISMATCH") or (
                    status == 404 and error_code in ("", "NOT_FOUND")
                ):
                    return SendResult("unregistered", error=last_error)
                if status in (401, 403) and error_code not in ("QUOTA_EXCEEDED",):
                    raise PushConfigError(f"FCM refused the request: {last_error}")
                if status != 429 and status < 500:
                    return SendResult("rejected", error=last_error)
            if attempt >= self.max_attempts:
                break
            delay = self._delay(attempt, response)
            if delay > MAX_INLINE_WAIT_S:
                raise PushTemporaryError(last_error, retry_after=delay)
            log.info("push_retry", attempt=attempt, delay_s=round(delay, 2), error=last_error)
            await asyncio.sleep(delay)
        raise PushTemporaryError(last_error or "FCM unavailable")
