"""Typed settings from the environment, validated once at start-up with messages a person can
act on. Two profiles: `embedded` (SQLite + in-process stores, no services) and `production`
(PostgreSQL + Redis)."""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

# Where the API's callers (the CLI, the app factory) catch it; the functions' settings raise it too.
from entrypoints.environment import SettingsError as SettingsError
from entrypoints.environment import env, read_env

Profile = Literal["embedded", "production"]
LogFormat = Literal["json", "console"]
ClientIpHeader = Literal["x-forwarded-for", "forwarded"]

#: Peers that may be a proxy in front of the app: loopback, private, link-local and shared
#: address space (a client on the internet never connects from these).
PRIVATE_NETWORKS = (
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "100.64.0.0/10",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
)


#: Variables the production profile cannot start without.
REQUIRED_IN_PRODUCTION = (
    "database_url",
    "redis_url",
    "secret_key",
    "journal_kek",
    "access_token_key",
)
#: The largest request body the API reads; the study import's text limit is this same number.
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    #: `embedded`: SQLite and in-process stores, no services. `production`: PostgreSQL and Redis.
    profile: Profile = "embedded"
    #: The interface `refocused serve` listens on.
    host: str = field(default="127.0.0.1", metadata=env("REFOCUSED_HOST", "HOST"))
    #: The port `refocused serve` listens on.
    port: int = field(default=8000, metadata=env("REFOCUSED_PORT", "PORT"))
    #: Empty: a SQLite file under `data_dir` (embedded) / required (production).
    database_url: str = field(
        default="", repr=False, metadata=env("REFOCUSED_DATABASE_URL", "DATABASE_URL")
    )
    #: Redis for rate limits, revocation and caches. Required in production.
    redis_url: str = field(default="", repr=False, metadata=env("REFOCUSED_REDIS_URL", "REDIS_URL"))
    #: Prefixes every Redis key, so several deployments can share one Redis.
    redis_prefix: str = "rf:"
    #: Where the embedded profile keeps its SQLite file, generated secrets and mail outbox.
    data_dir: Path = Path("var")
    #: Signs tokens and CSRF tokens. Empty in the embedded profile: generated and kept in
    #: data_dir, so sessions survive restarts. Required in production.
    secret_key: str = field(default="", repr=False)
    #: Key-encryption key for journal data keys (32 bytes, base64). Generated when embedded.
    journal_kek: str = field(default="", repr=False)
    #: The private Ed25519 (or P-256) key that signs access tokens, as a JWK (JSON) or a PEM.
    #: Only the API holds it; the functions verify with its public key (the JWKS). Generated
    #: into data_dir when embedded; required in production.
    access_token_key: str = field(default="", repr=False)
    #: Public keys (a JWKS) of earlier signing keys, still accepted and published during a
    #: rotation until the tokens they signed have expired.
    access_token_retired_jwks: str = ""
    #: Connections per worker. No overflow by default: overflow connections are closed as soon
    #: as they are returned, so under steady load they churn (a new connection per request).
    db_pool_size: int = 30
    #: Connections opened beyond db_pool_size under load, closed when returned.
    db_max_overflow: int = 0
    #: API requests one worker serves at once; the others wait their turn, first come first
    #: served. One worker is CPU-bound long before this, so more in flight only adds latency.
    max_requests_in_flight: int = 64
    #: How long (milliseconds) a request may wait for its turn before it is refused with 503
    #: and Retry-After, rather than left queuing behind hundreds of others.
    request_queue_ms: int = 500
    #: Run migrations at start-up. Defaults to on for embedded, off for production.
    auto_migrate: bool | None = None
    #: Lifetime of an access token.
    access_token_minutes: int = 15
    #: Lifetime of a session's refresh token.
    refresh_token_days: int = 7
    #: Lifetime of a refresh token when the user ticks "remember me".
    remember_me_days: int = 30
    #: Argon2id password hashing: memory in KiB (at least OWASP's 19 MiB).
    argon2_memory_kib: int = 19 * 1024
    #: Argon2id password hashing: iterations (at least OWASP's 2).
    argon2_time_cost: int = 2
    #: Argon2id password hashing: lanes.
    argon2_parallelism: int = 1
    #: API requests per minute per signed-in user (per client address before sign-in).
    rate_limit_per_minute: int = 500
    #: Sign-in attempts per minute from one client address.
    login_per_ip_per_minute: int = 20
    #: Wrong passwords one client may try on one account.
    login_per_account_per_5_minutes: int = 10
    #: Wrong passwords from all clients on one account before every client gets one guess at a
    #: time (the owner, with the right password, still signs in).
    login_failures_per_account_per_hour: int = 50
    #: Accounts registered per hour from one client address.
    register_per_ip_per_hour: int = 10
    #: While Redis is unreachable each process enforces every rate limit on its own, at this
    #: fraction of it: with this many processes or fewer (2 workers x 2 instances deployed),
    #: the fleet never allows more than the shared limit would.
    degraded_rate_divisor: int = 4
    #: Cookies marked Secure; defaults to on for production.
    secure_cookies: bool | None = None
    #: The Domain attribute of the session cookies; empty: the API's host only.
    cookie_domain: str = ""
    #: Origins (comma-separated) of web clients allowed to call the API with cookies.
    cors_origins: tuple[str, ...] = ()
    #: The older switch for one proxy: the same as REFOCUSED_TRUSTED_PROXY_HOPS=1.
    trust_proxy_headers: bool = False
    #: How many proxies in front of the app append the address they saw to `client_ip_header`.
    #: The client is that many entries from the right; whatever stands further left was written
    #: by the client. 0: no such header is believed, the client is the connection's peer.
    trusted_proxy_hops: int = 0
    #: The header those proxies append to: X-Forwarded-For, or RFC 7239 Forwarded (its `for=`).
    client_ip_header: ClientIpHeader = "x-forwarded-for"
    #: Peers (CIDRs) whose forwarding headers are believed; from any other peer they are ignored.
    trusted_proxies: tuple[str, ...] = PRIVATE_NETWORKS
    #: The largest request body accepted, in bytes (413 above it); the study import's text limit.
    max_body_bytes: int = MAX_BODY_BYTES
    #: Set (deployed behind the API gateway): requests must carry it in X-Refocused-Gateway,
    #: which the gateway adds; the service's own URL is public and would skip its throttles.
    gateway_token: str = field(default="", repr=False)
    #: OAuth client ids (comma-separated) whose Google ID tokens may sign in; empty: none.
    google_client_ids: tuple[str, ...] = ()
    #: Where Google's public keys for ID tokens are fetched.
    google_jwks_url: str = "https://www.googleapis.com/oauth2/v3/certs"
    #: DEBUG, INFO, WARNING or ERROR.
    log_level: str = "INFO"
    #: `json` (one object per line) or `console` (for a terminal).
    log_format: LogFormat = "json"
    #: Trace requests with OpenTelemetry (configured by the standard OTEL_* variables).
    otel_enabled: bool = False
    #: The service name traces carry.
    otel_service_name: str = "refocused-api"
    #: Sentry's DSN: errors are reported there, scrubbed of tokens, passwords, cookies and
    #: journal text (entrypoints/error_reporting.py). Empty: nothing is reported.
    sentry_dsn: str = field(default="", repr=False)
    #: The environment Sentry files the reports under (the stack: dev, staging, prod).
    sentry_environment: str = ""
    #: Serve Prometheus metrics at /metrics.
    metrics_enabled: bool = True
    #: `Authorization: Bearer <token>` that /metrics asks for. Production serves no metrics
    #: without one; embedded serves them open when it is empty.
    metrics_token: str = field(default="", repr=False)
    #: The OpenAPI docs at /schema. Default: on when embedded, off in production.
    docs_enabled: bool | None = None
    #: The built web client (a static export) served at / when it holds an index.html. Empty:
    #: entrypoints/web/out when embedded (`./scripts/serve` builds it); production leaves the
    #: client to Amplify.
    web_dir: Path | None = None
    # -- serverless services (email, feedback, assistant) ---------------------------------
    #: Where links in mail point (confirmation, unsubscribe). Empty: http://<host>:<port>.
    public_url: str = ""
    #: A local AWS-compatible endpoint (tests, development); empty: the real AWS endpoints.
    aws_endpoint_url: str = ""
    #: The AWS region of the tables, topic, SES and the ai-handler function.
    aws_region: str = "us-east-1"
    #: DynamoDB table of the email service; empty: the service keeps its state in SQL.
    email_table: str = ""
    #: DynamoDB table of the feedback service; empty: SQL.
    feedback_table: str = ""
    #: DynamoDB table of the assistant's conversations; empty: SQL.
    assistant_table: str = ""
    #: Set: mail is published to this SNS topic for the sender Lambda. Empty: sent in-process.
    email_topic_arn: str = ""
    #: How in-process mail leaves: `outbox` writes .eml files under data_dir/outbox.
    email_transport: Literal["outbox", "ses"] = "outbox"
    #: The From address of mail the API sends.
    email_from: str = "ReFocused <no-reply@refocused.local>"
    #: Mail-sending actions (subscribe, verify, reset) per address per day.
    email_actions_per_address_per_day: int = 5
    #: Mail-sending actions per client address per day.
    email_actions_per_ip_per_day: int = 20
    #: Feedback messages per client address per hour.
    feedback_per_ip_per_hour: int = 10
    #: Who writes the assistant's replies: nobody (503), the model in this process, or the
    #: ai-handler Lambda.
    assistant_backend: Literal["none", "in_process", "lambda"] = "none"
    #: A checkpoint folder or a run folder (latest checkpoint) for `in_process`.
    assistant_checkpoint: str = ""
    #: The ai-handler function's name or ARN for `lambda`.
    assistant_function: str = ""
    #: Assistant messages per user per day.
    assistant_daily_messages: int = 50
    #: The longest reply, in tokens: bounds the time and cost of one answer.
    assistant_max_new_tokens: int = 256
    #: How long one server-sent-events answer following a reply lasts before it ends and the
    #: client resumes with Last-Event-ID: under API Gateway's 30 s integration limit.
    assistant_stream_seconds: int = 25

    # -- derived ---------------------------------------------------------------------------

    @property
    def is_production(self) -> bool:
        return self.profile == "production"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{(self.data_dir / 'refocused.db')}"

    @property
    def migrate_on_start(self) -> bool:
        return (not self.is_production) if self.auto_migrate is None else self.auto_migrate

    @property
    def cookies_secure(self) -> bool:
        return self.is_production if self.secure_cookies is None else self.secure_cookies

    @property
    def proxy_hops(self) -> int:
        return self.trusted_proxy_hops or (1 if self.trust_proxy_headers else 0)

    @property
    def serves_docs(self) -> bool:
        return (not self.is_production) if self.docs_enabled is None else self.docs_enabled

    @property
    def web_client_dir(self) -> Path | None:
        """The folder of the web client to serve at /, when there is one."""
        if self.web_dir is not None:
            chosen = self.web_dir
        elif self.is_production:
            return None
        else:
            chosen = Path(__file__).resolve().parent / "web" / "out"
        return chosen if (chosen / "index.html").is_file() else None

    @property
    def serves_metrics(self) -> bool:
        return self.metrics_enabled and (bool(self.metrics_token) or not self.is_production)

    def secret_bytes(self) -> bytes:
        return self.secret_key.encode()

    @property
    def effective_public_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def journal_kek_bytes(self) -> bytes:
        return base64.b64decode(self.journal_kek)

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Reads `REFOCUSED_<NAME>` (and the customary HOST, PORT, DATABASE_URL, REDIS_URL)."""
        values = read_env(cls, os.environ if environ is None else environ)
        values.update(overrides)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raises SettingsError for the first setting found wrong, concern by concern."""
        if not 0 < self.port < 65536:
            raise SettingsError(f"PORT must be between 1 and 65535, not {self.port}")
        if self.is_production:
            missing = self._missing_in_production()
            if missing:
                raise SettingsError(
                    "the production profile needs "
                    + "; ".join(missing)
                    + " (see docs/configuration.md)"
                )
        if self.database_url:
            _validate_database_url(self.database_url)
        self._validate_keys()
        self._validate_limits()
        self._validate_proxies()
        self._validate_bearer_tokens()
        self._validate_assistant()
        if self.argon2_memory_kib < 19 * 1024 or self.argon2_time_cost < 2:
            raise SettingsError(
                "argon2 parameters below OWASP's minimum (19 MiB, t=2 at p=1) are not allowed"
            )

    def _validate_keys(self) -> None:
        """The journal's key-encryption key, the secret key and the access-token keys."""
        if self.journal_kek:
            try:
                if len(self.journal_kek_bytes()) != 32:
                    raise ValueError
            except ValueError as e:
                raise SettingsError(
                    "REFOCUSED_JOURNAL_KEK must be 32 bytes encoded in base64"
                ) from e
        if self.secret_key and len(self.secret_key) < 32:
            raise SettingsError("REFOCUSED_SECRET_KEY must be at least 32 characters")
        self._validate_access_token_keys()

    def _validate_limits(self) -> None:
        """Lifetimes, rates, sizes and quotas: each at least 1."""
        for name in (
            "access_token_minutes",
            "refresh_token_days",
            "remember_me_days",
            "rate_limit_per_minute",
            "max_body_bytes",
            "db_pool_size",
            "max_requests_in_flight",
            "request_queue_ms",
            "assistant_daily_messages",
            "assistant_max_new_tokens",
            "email_actions_per_address_per_day",
            "email_actions_per_ip_per_day",
            "feedback_per_ip_per_hour",
            "degraded_rate_divisor",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"REFOCUSED_{name.upper()} must be a positive number")

    def _validate_proxies(self) -> None:
        """The proxies whose X-Forwarded-For the API believes: a hop count and networks."""
        if not 0 <= self.trusted_proxy_hops <= 16:
            raise SettingsError("REFOCUSED_TRUSTED_PROXY_HOPS must be between 0 and 16")
        for network in self.trusted_proxies:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                raise SettingsError(
                    f"REFOCUSED_TRUSTED_PROXIES: {network!r} is not an address or a CIDR "
                    "network such as 10.0.0.0/8"
                ) from None

    def _validate_bearer_tokens(self) -> None:
        """The gateway's and the metrics scraper's tokens, when set: long enough to not guess."""
        if self.gateway_token and len(self.gateway_token) < 32:
            raise SettingsError("REFOCUSED_GATEWAY_TOKEN must be at least 32 characters")
        if self.metrics_token and len(self.metrics_token) < 32:
            raise SettingsError("REFOCUSED_METRICS_TOKEN must be at least 32 characters")

    def _validate_assistant(self) -> None:
        """What the chosen assistant backend needs, and a stream that ends before the gateway's."""
        if self.assistant_backend == "in_process" and not self.assistant_checkpoint:
            raise SettingsError(
                "REFOCUSED_ASSISTANT_CHECKPOINT must name a checkpoint folder when "
                "REFOCUSED_ASSISTANT_BACKEND=in_process"
            )
        if self.assistant_backend == "lambda" and not self.assistant_function:
            raise SettingsError(
                "REFOCUSED_ASSISTANT_FUNCTION must name the ai-handler function when "
                "REFOCUSED_ASSISTANT_BACKEND=lambda"
            )
        if self.assistant_backend == "lambda" and not self.assistant_table:
            raise SettingsError(
                "REFOCUSED_ASSISTANT_TABLE must name the assistant's DynamoDB table when "
                "REFOCUSED_ASSISTANT_BACKEND=lambda: the ai-handler writes replies there"
            )
        if not 1 <= self.assistant_stream_seconds <= 28:
            raise SettingsError(
                "REFOCUSED_ASSISTANT_STREAM_SECONDS must be between 1 and 28 (the gateway "
                "ends a request at 30 s)"
            )

    def _missing_in_production(self) -> list[str]:
        """Every production variable that is missing or malformed, so one run names them all."""
        missing = []
        if not self.database_url.startswith("postgresql"):
            missing.append("DATABASE_URL to be a postgresql+asyncpg://user:password@host/name URL")
        if not self.redis_url.startswith(("redis://", "rediss://")):
            missing.append("REDIS_URL to be a redis:// or rediss:// URL")
        if len(self.secret_key) < 32:
            missing.append("REFOCUSED_SECRET_KEY to be set to at least 32 characters")
        if not self.journal_kek:
            missing.append("REFOCUSED_JOURNAL_KEK to be set to 32 random bytes in base64")
        if not self.access_token_key:
            missing.append(
                "REFOCUSED_ACCESS_TOKEN_KEY to be set to a private Ed25519 (or P-256) key "
                "as a JWK or a PEM"
            )
        return missing

    def _validate_access_token_keys(self) -> None:
        from adapters.security.tokens import KeyMaterialError, public_jwks, signing_key

        try:
            if self.access_token_key:
                signing_key(self.access_token_key)
        except KeyMaterialError as e:
            # The reason names what is wrong, never the key's text.
            raise SettingsError(f"REFOCUSED_ACCESS_TOKEN_KEY is not valid: {e}") from None
        try:
            public_jwks(self.access_token_retired_jwks)
        except KeyMaterialError as e:
            raise SettingsError(f"REFOCUSED_ACCESS_TOKEN_RETIRED_JWKS is not valid: {e}") from None

    def with_local_secrets(self) -> Settings:
        """The embedded profile keeps generated secrets in data_dir, so restarts keep sessions
        and journal keys. Production must provide them."""
        if self.is_production or (self.secret_key and self.journal_kek and self.access_token_key):
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        secret = self.secret_key or _load_or_create(
            self.data_dir / "secret_key", lambda: secrets.token_urlsafe(48)
        )
        from adapters.security.tokens import generate_signing_key

        kek = self.journal_kek or _load_or_create(
            self.data_dir / "journal_kek", lambda: base64.b64encode(os.urandom(32)).decode()
        )
        access_key = self.access_token_key or _load_or_create(
            self.data_dir / "access_token_key.json", generate_signing_key
        )
        return replace(self, secret_key=secret, journal_kek=kek, access_token_key=access_key)


#: The async drivers the engine speaks, and the extra that installs each.
_DATABASE_DRIVERS = {"sqlite": ("aiosqlite", None), "postgresql": ("asyncpg", "prod")}
_DATABASE_URL_FORM = (
    "sqlite+aiosqlite:///path/to/refocused.db or postgresql+asyncpg://user:password@host/name"
)


def _validate_database_url(url: str) -> None:
    """The URL's shape and driver, checked before an engine is built; the message never repeats
    the URL, which may hold a password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(
            f"DATABASE_URL is not a database URL: use {_DATABASE_URL_FORM}"
        ) from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend not in _DATABASE_DRIVERS:
        raise SettingsError(
            f"DATABASE_URL names the {backend} database, which ReFocused does not support: "
            f"use {_DATABASE_URL_FORM}"
        )
    wanted, extra = _DATABASE_DRIVERS[backend]
    if driver != wanted:
        raise SettingsError(
            f"DATABASE_URL must name the async driver {backend}+{wanted}:// "
            f"(not {parsed.drivername}://): use {_DATABASE_URL_FORM}"
        )
    if extra and not _importable(wanted):
        raise SettingsError(
            f"DATABASE_URL is a {backend} URL, whose driver {wanted} is not installed: "
            f"install the {extra} extra: pip install 'refocused[{extra}]'"
        )


def _importable(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def _load_or_create(path: Path, make: Any) -> str:
    if path.exists():
        return path.read_text().strip()
    value = str(make())
    path.touch(mode=0o600)
    path.write_text(value)
    return value
