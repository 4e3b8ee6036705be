"""Fixtures shared by the whole suite. Adapter and HTTP tests use real servers: PostgreSQL and
Redis on loopback (scripts/services starts them), SQLite files, uvicorn on a free port."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import create_engine
from adapters.sql.migrate import upgrade
from entrypoints.settings import Settings
from tests.support.servers import REDIS_URL, LiveServer, migrated_postgres_database

TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256-0123456789"
TEST_KEK = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
#: The private Ed25519 key (a JWK) that signs the test servers' access tokens.
TEST_ACCESS_TOKEN_KEY = (
    '{"crv": "Ed25519", "x": "hNdJBsS-EHzGFJagbIl6MpQUSA0TWGQQ7n7dCI70ilA", '
    '"d": "rtzSTpAcRE7w7z1z7bN_FFS0Uv6Ug-c8a-A9bEn6jcI", "kty": "OKP", '
    '"kid": "VKDyulUEN1lz4m3FIv5RKz6qRJqMvi-O7cacqpxoCnQ"}'
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One migrated PostgreSQL database for the session; tests use fresh ids, never truncate."""
    with migrated_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each adapter test runs on both SQLite and PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5, max_overflow=5)
    if database_url.startswith("sqlite"):
        await upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as e:  # a missing server must fail loudly, never skip
        raise RuntimeError(f"Redis is not reachable at {REDIS_URL}; run scripts/services") from e
    yield client
    await client.aclose()


@pytest.fixture
def redis_prefix() -> str:
    return f"rf-test-{uuid.uuid4().hex[:10]}:"


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Embedded-profile settings in a private folder; keyword arguments override."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "var",
            "secret_key": TEST_SECRET,
            "journal_kek": TEST_KEK,
            "access_token_key": TEST_ACCESS_TOKEN_KEY,
            "log_format": "console",
            "log_level": "WARNING",
            # No web client unless a test gives one: a local build must not change what / is.
            "web_dir": tmp_path / "no-web-client",
        }
        values.update(overrides)
        settings = Settings(**values)
        settings.validate()
        return settings

    return make


@pytest.fixture
def serve(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., str]]:
    """Starts the real app on a free port; returns its base URL. Stopped after the test."""
    from entrypoints.http.app import create_app

    servers: list[LiveServer] = []

    def start(settings: Settings | None = None, **overrides: Any) -> str:
        server = LiveServer(create_app(settings or make_settings(**overrides)))
        servers.append(server.__enter__())
        return server.url

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def api_url(serve: Callable[..., str]) -> str:
    return serve()


@pytest.fixture
def client(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=30) as c:
        yield c
