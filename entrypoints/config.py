"""Process configuration, read once from the environment (pydantic-settings).

Every variable is documented in docs/operations.md. ``Settings.check_production_safety`` makes
``ENV=production`` refuse to start with a development adapter selected.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from entrypoints.config_values import value_problems
from entrypoints.http.client_address import parse_proxy_networks

#: What BROKER_URL may name: RabbitMQ or Redis.
BROKER_SCHEMES = ("amqp://", "amqps://", "redis://", "rediss://", "unix://")

CommaList = Annotated[list[str], NoDecode]


def _split(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def with_async_driver(url: str) -> str:
    """Plain ``postgresql://`` / ``sqlite:///`` URLs with the async driver this service uses."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


class ConfigurationError(Exception):
    """The configuration cannot be used; the message names the variable to set."""


# Variables that no longer exist but whose silent disappearance would change behaviour: start-up
# refuses them (they would otherwise be ignored), saying what replaces them.
REMOVED_VARIABLES = {
    "TRUST_PROXY": (
        "TRUST_PROXY is no longer supported (it believed the client-written left-most "
        "X-Forwarded-For entry): unset it and set TRUSTED_PROXIES to the IPs/CIDRs of your "
        "reverse proxies (docs/operations.md)"
    ),
}


def removed_variable_problems(environ: Mapping[str, str]) -> list[str]:
    present = {name.upper() for name in environ}
    return [message for name, message in REMOVED_VARIABLES.items() if name in present]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    env: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 3000
    log_level: str = "INFO"
    # `serve`'s log lines are flushed at most this often (one write per buffer, not per line;
    # an orderly stop flushes all): 0 flushes every line.
    log_flush_seconds: float = Field(default=1.0, ge=0)
    var_dir: Path = Path("var")

    database_url: str = "sqlite+aiosqlite:///var/fairarena.db"
    # Read replicas (ADR 0094): PostgreSQL hot standbys for read-only use cases.
    database_replica_urls: CommaList = Field(default_factory=list)
    replica_max_lag_seconds: float = Field(default=2.0, gt=0)
    replica_check_interval_seconds: float = Field(default=0.5, gt=0)
    db_pool_size: int = 20
    db_max_overflow: int = 10
    # Outages and slow queries (ADR 0091): no statement runs forever, no connect or pool checkout
    # holds a request, a dropped connection is replaced at checkout.
    db_statement_timeout_ms: int = Field(default=30_000, ge=0)
    db_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0)
    db_pool_pre_ping: bool = True
    # Only connections idle this long are pinged at checkout (0: every checkout, SQLAlchemy's
    # pre-ping); ADR 0091 and issue 13.
    db_pool_ping_after_idle_seconds: float = Field(default=5.0, ge=0)
    request_timeout_seconds: float = Field(default=60.0, ge=0)
    redis_url: str | None = None
    # Tracing (ADR 0093): OTLP/HTTP export to this base URL (e.g. http://otel-collector:4318);
    # unset: tracing off.
    otel_exporter_otlp_endpoint: str | None = None
    otel_service_name: str = "fairarena"
    # Performance of the request kernel (issue 13, docs/performance.md): cached entries (the
    # principal, profiles…) kept in each process, invalidated over Redis pub/sub (ADR 0060; 0:
    # off); rate-limit budget leased from Redis per process (ADR 0061; 1: a Redis call per
    # request); the share of successful requests written to the access log (errors and slow
    # requests always are); our own response models re-validated (on in tests).
    cache_near_ttl_seconds: float = Field(default=5.0, ge=0)
    rate_limit_lease_fraction: float = Field(default=0.05, gt=0, le=1)
    # Young objects the garbage collector lets accumulate before a pass (ADR 0126; Python's own:
    # 700, crossed by the objects of the requests in flight).
    gc_gen0_threshold: int = Field(default=10_000, ge=1)
    access_log_sample_rate: float = Field(default=1.0, ge=0, le=1)
    access_log_slow_ms: float = Field(default=500.0, ge=0)
    validate_responses: bool = False
    # One bounded pool per process: a burst waits for a connection instead of opening hundreds.
    redis_max_connections: int = Field(default=50, gt=0)
    redis_pool_timeout_seconds: float = Field(default=2.0, gt=0)

    cors_origins: CommaList = Field(default_factory=lambda: ["http://localhost:5173"])
    frontend_url: str = "http://localhost:5173"
    max_body_bytes: int = 2 * 1024 * 1024
    maintenance_mode: bool = False
    metrics_token: str | None = None
    rate_limit_default: str = "600/minute"
    # Reverse proxies (IPs/CIDRs) whose X-Forwarded-For is believed; empty: the TCP peer is the
    # client (API.md "Client address behind proxies", entrypoints/http/client_address.py).
    trusted_proxies: CommaList = Field(default_factory=list)

    auth_mode: Literal["dev", "clerk"] = "dev"
    dev_auth_secret: str | None = None
    admin_user_ids: CommaList = Field(default_factory=list)
    # Support agents (API.md "Support desk"): token subjects, like ADMIN_USER_IDS.
    support_agent_ids: CommaList = Field(default_factory=list)
    clerk_jwt_key: str | None = None
    clerk_jwks_url: str | None = None
    clerk_issuer: str | None = None
    clerk_authorized_parties: CommaList = Field(default_factory=list)
    clerk_webhook_secret: str | None = None
    github_webhook_secret: str | None = None  # X-Hub-Signature-256 of /webhooks/v1/github
    clerk_secret_key: str | None = None
    clerk_api_url: str = "https://api.clerk.com"

    # Where the API is reached from outside: signed links in e-mails (newsletter confirm,
    # one-click unsubscribe, data-export download) point here (ADR 0112).
    public_api_url: str = "http://localhost:3000"
    # HMAC key (>= 32 bytes) of those signed links.
    link_signing_key: str | None = None

    # URL-safe base64 of 32 bytes: seals invitation codes in the outbox (ADR 0040).
    invite_seal_key: str | None = None

    email_provider: Literal["dev", "resend"] = "dev"
    resend_api_key: str | None = None
    resend_api_url: str = "https://api.resend.com"
    email_from: str = "FairArena <no-reply@fairarena.local>"
    dev_email_path: Path | None = None  # default: VAR_DIR/outbox/emails.jsonl

    # The Dramatiq broker (ADR 0092): amqp(s)://… RabbitMQ, redis(s)://… Redis; unset: REDIS_URL's
    # Redis, or the in-memory broker when REDIS_URL is unset too.
    broker_url: str | None = None
    broker_namespace: str = "fairarena"
    worker_threads: int = 4
    worker_metrics_port: int | None = None
    jobs_in_process: bool = True
    outbox_redeliver_after_seconds: int = 7200

    # Realtime push (API.md "Realtime"): SSE comment ping + re-check of the caller, WebSocket
    # protocol ping, and open connections per user on one instance.
    realtime_heartbeat_seconds: float = Field(default=20.0, gt=0)
    realtime_ws_ping_seconds: float = Field(default=25.0, gt=0)
    realtime_max_connections_per_user: int = Field(default=10, gt=0)

    razorpay_key_id: str | None = None
    razorpay_key_secret: str | None = None
    razorpay_webhook_secret: str | None = None
    razorpay_base_url: str = "https://api.razorpay.com"
    razorpay_timeout_seconds: float = 10.0
    # None = the environment's default: on outside production when a gateway is configured
    # (Razorpay keys, or the sandbox), off in production
    payments_enabled: bool | None = None
    # The in-process sandbox gateway + /dev/checkout (free "payments"): only when asked for,
    # never in production, so a deployment that forgets ENV=production gives nothing away.
    payments_sandbox: bool = False

    free_credits_amount: int = Field(default=200, gt=0)
    promo_credits_ttl_days: int = Field(default=365, ge=1, le=3650)
    referral_reward_credits: int = Field(default=50, ge=1)
    referral_welcome_credits: int = Field(default=25, ge=1)
    sms_provider: Literal["dev", "twilio"] = "dev"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    twilio_base_url: str = "https://api.twilio.com"
    otp_pepper: str | None = None  # HMAC key for stored one-time codes, >= 32 bytes

    # AI assistant (API.md "AI assistant"): without a key, the offline model outside
    # production; in production every /ai route answers 503 AI_DISABLED.
    gemini_api_key: str | None = None
    gemini_model: str = "gemini-2.5-flash"
    gemini_base_url: str | None = None
    gemini_timeout_seconds: float = Field(default=60.0, gt=0)
    gemini_typed_events: bool = False  # ADR 0077: streamed events as the SDK's models (slower)
    ai_daily_free_messages: int = Field(default=30, ge=0)
    ai_max_credits_per_message: int = Field(default=5, gt=0)
    ai_credits_per_1k_tokens: int = Field(default=1, gt=0)

    _split_lists = field_validator(
        "cors_origins",
        "admin_user_ids",
        "support_agent_ids",
        "clerk_authorized_parties",
        "trusted_proxies",
        "database_replica_urls",
        mode="before",
    )(_split)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: list[str]) -> list[str]:
        try:
            parse_proxy_networks(value)
        except ValueError as exc:
            raise ValueError(f"TRUSTED_PROXIES: {exc}") from None
        return value

    @field_validator("broker_url")
    @classmethod
    def _broker_scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(BROKER_SCHEMES):
            raise ValueError(f"BROKER_URL must start with one of {', '.join(BROKER_SCHEMES)}")
        return value or None

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        """Accept plain ``postgresql://`` / ``sqlite:///`` and pick the async driver."""
        return with_async_driver(value)

    @field_validator("database_replica_urls")
    @classmethod
    def _normalise_replica_urls(cls, value: list[str]) -> list[str]:
        urls = [with_async_driver(url) for url in value]
        if any(not url.startswith("postgresql+asyncpg://") for url in urls):
            raise ValueError("DATABASE_REPLICA_URLS: PostgreSQL URLs only")
        return urls

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def has_razorpay_keys(self) -> bool:
        return bool(self.razorpay_key_id and self.razorpay_key_secret)

    @property
    def payments_are_enabled(self) -> bool:
        if self.payments_enabled is None:
            return not self.is_production and (self.has_razorpay_keys or self.uses_payment_sandbox)
        return self.payments_enabled

    @property
    def uses_payment_sandbox(self) -> bool:
        """PAYMENTS_SANDBOX=true and no Razorpay keys, outside production: the in-process
        sandbox gateway + dev checkout."""
        return self.payments_sandbox and not self.is_production and not self.has_razorpay_keys

    @property
    def job_broker_url(self) -> str | None:
        """The broker jobs go through: BROKER_URL, else REDIS_URL, else None (in memory)."""
        return self.broker_url or self.redis_url

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def check_production_safety(self) -> None:
        """Refuse development adapters, placeholders and malformed keys in production, naming
        the variable to change (and, anywhere, payments with no gateway to take them, and
        removed variables such as TRUST_PROXY)."""
        if removed := removed_variable_problems(os.environ):
            raise ConfigurationError("; ".join(removed))
        if (
            not self.is_production
            and self.payments_enabled
            and not (self.has_razorpay_keys or self.uses_payment_sandbox)
        ):
            raise ConfigurationError(
                "PAYMENTS_ENABLED=true needs RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET, or "
                "PAYMENTS_SANDBOX=true for the development sandbox"
            )
        if not self.is_production:
            return
        problems = []
        if self.payments_sandbox:
            problems.append(
                "PAYMENTS_SANDBOX=true is not allowed in production: unset it (free checkout)"
            )
        if self.auth_mode == "dev":
            problems.append("AUTH_MODE=dev is not allowed in production: set AUTH_MODE=clerk")
        if self.auth_mode == "clerk" and not (self.clerk_jwt_key or self.clerk_jwks_url):
            problems.append("AUTH_MODE=clerk needs CLERK_JWT_KEY or CLERK_JWKS_URL")
        if self.email_provider == "dev":
            problems.append(
                "EMAIL_PROVIDER=dev is not allowed in production: set EMAIL_PROVIDER=resend "
                "and RESEND_API_KEY"
            )
        if self.email_provider == "resend" and not self.resend_api_key:
            problems.append("EMAIL_PROVIDER=resend needs RESEND_API_KEY")
        if self.payments_are_enabled and not (
            self.razorpay_key_id and self.razorpay_key_secret and self.razorpay_webhook_secret
        ):
            problems.append(
                "PAYMENTS_ENABLED=true needs RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and "
                "RAZORPAY_WEBHOOK_SECRET (or set PAYMENTS_ENABLED=false)"
            )
        if self.sms_provider == "dev":
            problems.append(
                "SMS_PROVIDER=dev is not allowed in production: set SMS_PROVIDER=twilio"
            )
        problems.extend(self.sms_problems())
        if not self.otp_pepper or len(self.otp_pepper.encode()) < 32:
            problems.append("OTP_PEPPER (at least 32 bytes) is required in production")
        if not self.link_signing_key or len(self.link_signing_key.encode()) < 32:
            problems.append("LINK_SIGNING_KEY (at least 32 bytes) is required in production")
        if not self.invite_seal_key:
            problems.append(
                "INVITE_SEAL_KEY is required in production (URL-safe base64 of 32 random bytes)"
            )
        problems.extend(value_problems(self._configured_values()))
        if problems:
            raise ConfigurationError("; ".join(problems))

    def _configured_values(self) -> list[tuple[str, str | None]]:
        """Every deployment-specific value, by variable name (lists joined), for the checks of
        entrypoints/config_values.py."""
        names = (
            "database_url", "redis_url", "broker_url", "frontend_url", "metrics_token",
            "clerk_jwt_key",
            "clerk_jwks_url", "clerk_issuer", "clerk_webhook_secret", "clerk_secret_key",
            "github_webhook_secret",
            "resend_api_key", "email_from", "twilio_account_sid", "twilio_auth_token",
            "twilio_from", "otp_pepper", "invite_seal_key", "razorpay_key_id",
            "razorpay_key_secret", "razorpay_webhook_secret", "public_api_url", "link_signing_key",
        )  # fmt: skip
        values: list[tuple[str, str | None]] = [
            (name.upper(), getattr(self, name)) for name in names
        ]
        for name in (
            "cors_origins",
            "clerk_authorized_parties",
            "admin_user_ids",
            "support_agent_ids",
        ):
            values += [(name.upper(), item) for item in getattr(self, name)]
        return values

    def sms_problems(self) -> list[str]:
        if self.sms_provider != "twilio":
            return []
        missing = [
            name
            for name, value in (
                ("TWILIO_ACCOUNT_SID", self.twilio_account_sid),
                ("TWILIO_AUTH_TOKEN", self.twilio_auth_token),
                ("TWILIO_FROM", self.twilio_from),
            )
            if not value
        ]
        return [f"SMS_PROVIDER=twilio needs {', '.join(missing)}"] if missing else []

    def resolved_otp_pepper(self) -> bytes:
        """OTP_PEPPER, or (outside production) one generated once and kept under VAR_DIR."""
        if self.otp_pepper:
            return self.otp_pepper.encode()
        return self._generated_secret("otp_pepper")

    def resolved_link_signing_key(self) -> bytes:
        """LINK_SIGNING_KEY, or (outside production) one generated once and kept under VAR_DIR."""
        if self.link_signing_key:
            return self.link_signing_key.encode()
        return self._generated_secret("link_signing_key")

    def _generated_secret(self, name: str) -> bytes:
        return self._kept(name, lambda: secrets.token_urlsafe(48)).encode()

    def resolved_dev_auth_secret(self) -> str:
        """DEV_AUTH_SECRET, or one generated once and kept under VAR_DIR."""
        return self.dev_auth_secret or self._kept(
            "dev_auth_secret", lambda: secrets.token_urlsafe(48)
        )

    def resolved_invite_seal_key(self) -> str:
        """INVITE_SEAL_KEY, or (outside production) one generated once and kept under VAR_DIR."""
        return self.invite_seal_key or self._kept(
            "invite_seal_key",
            lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="),
        )

    def _kept(self, name: str, generate: Callable[[], str]) -> str:
        """The secret kept in ``VAR_DIR/name``, generated (owner-readable only) the first time."""
        path = self.var_dir / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(generate())
            path.chmod(0o600)
        return path.read_text().strip()
