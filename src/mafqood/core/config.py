"""All configuration in one place, read from the environment (and an optional .env file)."""

from __future__ import annotations

import ipaddress
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from mafqood.core.rates import check_rate

Environment = Literal["development", "test", "production"]
# "count/period" like 5/15m, 3/1h, 100/1m; "off" disables that one limit.
RateSpec = Annotated[str, AfterValidator(check_rate)]
# Comma-separated in the environment: A,B,C.
CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = "development"
    host: str = "127.0.0.1"
    port: int = 8001
    # Where embedded servers, local photos and the development secret live.
    data_dir: Path = Path(".data")
    # Empty means "start an embedded PostgreSQL / Redis in data_dir".
    database_url: str | None = None
    redis_url: str | None = None
    # Memory the embedded PostgreSQL keeps for pages (vector indexes live here).
    embedded_postgres_shared_buffers: str = "2GB"
    # Absolute base of the local photo URLs. Empty: relative URLs (/media/...), which work on
    # whatever address and port the client reached the service (the app prefixes them with
    # its API address); a Host header is never trusted to build them.
    public_base_url: str | None = None

    # Prepared model files (exported once by the setup step).
    model_dir: Path = Path(".data/models")
    vision_threads: int = Field(default=2, ge=1, le=64)
    # "cuda" on a GPU machine that runs `mafqood reindex`; unset everywhere else.
    vision_torch_device: str | None = None
    # Another image embedder exported to ONNX (CLIP, DINOv2...); empty: EfficientNet-Lite0.
    image_embedder_path: Path | None = None
    image_embedder_name: str | None = None
    # YOLOv8 weights in ultralytics ONNX format; empty: categories from the ImageNet head.
    yolo_weights_path: Path | None = None
    vision_max_keypoints: int = Field(default=300, ge=50, le=2000)
    # Which reports can be the same object: a found report dated up to this long before the
    # loss (people misremember), up to this many days after it, within this distance.
    match_found_before_lost_hours: float = Field(default=48, ge=0)
    match_window_days: float = Field(default=90, gt=0)
    match_max_km: float = Field(default=50, gt=0)

    # Photos: "local" keeps them under data_dir/media and serves them at /media;
    # "s3" puts them in an S3-compatible bucket (AWS S3, MinIO, R2) behind an optional CDN.
    storage_backend: Literal["local", "s3"] = "local"
    s3_bucket: str = "mafqood"
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    # Base of public photo URLs, e.g. https://cdn.mafqood.ae; default: the bucket's own URL.
    s3_public_base_url: str | None = None
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    # A venue desk's intake of several found items in one request (each photo up to
    # max_upload_bytes): at most this many items and this many bytes in all.
    intake_max_items: int = Field(default=10, ge=1, le=50)
    intake_max_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    # Larger images are refused before decoding (decompression bombs).
    max_image_pixels: int = Field(default=50_000_000, gt=0)

    secret_key: SecretStr | None = None
    # Earlier SECRET_KEYs (comma-separated) while a rotation settles: identifiers read on
    # documents are hashed under each too, so reports stored before the rotation still match.
    secret_key_previous: CommaList = []
    # Vision workers read the text of photos: documents (identifiers, names) and the brand
    # words on other items.
    vision_read_text: bool = True
    access_token_ttl_seconds: int = Field(default=3600, gt=0)
    refresh_token_ttl_days: int = Field(default=30, gt=0)
    password_reset_ttl_seconds: int = Field(default=3600, gt=0)
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    mail_from: str = "Mafqood <no-reply@mafqood.ae>"
    # The app opens this link with ?token=... appended.
    password_reset_url: str = "mafqood://reset-password"
    # Venue invitations open the staff dashboard; empty: PUBLIC_BASE_URL, else host:port.
    staff_base_url: str | None = None
    venue_invitation_ttl_days: int = Field(default=7, gt=0)

    # Background jobs (Celery). Empty broker: the same Redis as REDIS_URL.
    broker_url: str | None = None
    worker_pool: Literal["prefork", "threads", "solo"] = "prefork"
    worker_concurrency: int = Field(default=2, ge=1)
    # API processes `mafqood serve` runs on one socket (0: one per core). Each serves every
    # route; WebSocket events reach all of them through Redis.
    api_workers: int = Field(default=0, ge=0, le=64)
    # /health answers from its last probes for this long (per API process): load balancers
    # and monitors calling it often cost one round of probes per period. 0: every call probes.
    health_cache_seconds: float = Field(default=1.0, ge=0, le=10)
    # `mafqood serve` also runs a worker, vision workers and beat; turn off when they run
    # elsewhere.
    serve_workers: bool = True
    # Vision workers (photo analysis and matching, queue "vision"): processes `serve` starts,
    # and the pool size of each (0: as many as the machine has cores, at most 4).
    vision_workers: int = Field(default=1, ge=0, le=16)
    vision_worker_concurrency: int = Field(default=0, ge=0, le=64)
    # How long POST /lost|found may take, photo checks included, waiting for its analysis
    # before answering "pending" (the matches then arrive as notifications). With more than
    # match_wait_max_queue reports waiting for a vision worker, it does not wait at all.
    match_wait_ms: int = Field(default=800, ge=0, le=30_000)
    match_wait_max_queue: int = Field(default=8, ge=0)
    # Anonymous GET /api/v1/items pages are kept this long in each API process (0: not at
    # all): a new, changed or hidden report shows there at most this much later.
    browse_cache_seconds: float = Field(default=3, ge=0, le=60)
    # /health says degraded when the oldest report waiting for analysis is older than this.
    analysis_degraded_after_seconds: float = Field(default=120, gt=0)
    # /health says the vision workers are "starting", not "down", while none has listened on
    # the vision queue yet and the process is younger than this.
    vision_start_grace_seconds: float = Field(default=120, ge=0)
    # Photos of a report whose row never committed (a killed process) are removed after this.
    orphan_photo_grace_seconds: int = Field(default=600, gt=0)
    # Deliveries not confirmed after this long are sent again by the outbox drain.
    outbox_retry_after_seconds: int = Field(default=60, gt=0)
    outbox_drain_interval_seconds: float = Field(default=30, gt=0)
    outbox_max_attempts: int = Field(default=20, ge=1)
    # Housekeeping done by the periodic jobs.
    match_expiry_days: int = Field(default=30, gt=0)
    temp_upload_max_age_hours: int = Field(default=24, gt=0)

    # Push (FCM HTTP v1). Without credentials, pushes are skipped with a log line.
    fcm_credentials_file: Path | None = None
    fcm_project_id: str | None = None
    fcm_base_url: str = "https://fcm.googleapis.com"
    # Default: the token_uri in the credentials file.
    fcm_token_url: str | None = None
    fcm_max_attempts: int = Field(default=4, ge=1)
    fcm_backoff_seconds: float = Field(default=0.5, ge=0)
    fcm_timeout_seconds: float = Field(default=10, gt=0)

    log_level: str = "INFO"
    log_json: bool = False

    # HTTP hygiene. Browser origins allowed to call the API (the mobile app needs none).
    cors_origins: CommaList = []
    # Proxies (addresses or networks) whose X-Forwarded-For is believed; empty: the peer
    # address is the client, whatever the headers say.
    trusted_proxies: CommaList = []
    # Largest body of a request that is not a photo upload.
    max_json_body_bytes: int = Field(default=1024 * 1024, gt=0)

    # Abuse limits, shared by every API process through Redis (login, registration and
    # forgot-password fall back to a count in each process while Redis is unreachable).
    rate_limit_enabled: bool = True
    rate_limit_login: RateSpec = "5/15m"  # per client IP
    # Failed logins per account (counted per email, whether or not it has an account), from
    # any number of addresses. Over it, only addresses that signed in to the account before
    # may try; the owner is told once per window.
    rate_limit_login_account: RateSpec = "10/15m"
    rate_limit_register: RateSpec = "3/1h"  # per client IP
    rate_limit_forgot_password: RateSpec = "5/1h"  # per client IP
    # Reset mails per mailbox; requests over it are answered as usual and send nothing.
    rate_limit_reset_mail: RateSpec = "3/1h"
    rate_limit_api: RateSpec = "100/1m"  # per signed-in user
    rate_limit_anonymous: RateSpec = "100/1m"  # per client IP, callers without a valid token
    rate_limit_upload: RateSpec = "10/1h"  # photo uploads per signed-in user
    # Members of a venue work a desk (intake of many items, the dashboard all day): their
    # tokens say so (`desk`, from the membership at sign-in), and these limits apply instead.
    rate_limit_desk_api: RateSpec = "600/1m"
    rate_limit_desk_upload: RateSpec = "200/1h"
    # A desk's intake budget, per venue: photos taken in (each one analysed by the vision
    # workers), by the API and the dashboard's form alike, whoever of its members sends them.
    # An intake the budget cannot cover is refused whole (429 with Retry-After). A busy
    # airport desk logs a few hundred items a day, in bursts as flights are cleaned. A venue
    # awaiting an administrator's verification gets the much lower pending budget.
    intake_photos_per_hour: int = Field(default=300, ge=1)
    intake_photos_per_day: int = Field(default=2000, ge=1)
    intake_pending_photos_per_hour: int = Field(default=20, ge=1)
    intake_pending_photos_per_day: int = Field(default=50, ge=1)
    # Database connections per API process. A request that waits longer than the timeout for
    # one is answered 503 with Retry-After (overload) instead of queueing without end.
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=20, ge=0)
    db_pool_timeout_seconds: float = Field(default=10, gt=0)

    # Messages between the sides of a match or a claim: per sender over all their threads
    # (a venue's members each count on their own), and per thread, both sides together.
    messages_per_user_per_hour: int = Field(default=60, ge=1)
    messages_per_thread_per_day: int = Field(default=200, ge=1)

    # Moderation: an item reported by this many different users is hidden until reviewed.
    moderation_hide_after_reports: int = Field(default=3, ge=1)
    # Screening of uploaded photos; "nudenet" needs the optional `nsfw` extra (AGPL-3.0).
    nsfw_backend: Literal["none", "nudenet"] = "none"
    nsfw_threshold: float = Field(default=0.6, gt=0, le=1)

    # Prometheus metrics at /metrics; with a token, scrapers must send it as a bearer token.
    metrics_enabled: bool = True
    metrics_token: SecretStr | None = None

    @field_validator("cors_origins", "trusted_proxies", "secret_key_previous", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            ipaddress.ip_network(entry, strict=False)
        return value

    @model_validator(mode="after")
    def _require_secret_outside_development(self) -> Settings:
        if self.environment == "production":
            key = self.secret_key.get_secret_value() if self.secret_key else ""
            if len(key) < 32:
                raise ValueError(
                    "SECRET_KEY must be set to at least 32 characters when ENVIRONMENT=production"
                )
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def serves_metrics(self) -> bool:
        """/metrics tells traffic and queue sizes to whoever asks: in production only to
        scrapers with the token."""
        return self.metrics_enabled and not (self.is_production and self.metrics_token is None)

    def signing_key(self) -> str:
        """The JWT key; in development one is generated once and kept in data_dir."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    def document_secrets(self) -> list[str]:
        """The secrets that identifiers on documents are hashed under, current first."""
        return [self.signing_key(), *self.secret_key_previous]


@lru_cache
def get_settings() -> Settings:
    return Settings()
