from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import TEST_KEK, TEST_SECRET


@pytest.fixture
def serve_on(
    request: pytest.FixtureRequest, serve: Callable[..., str], redis_prefix: str
) -> Callable[..., str]:
    """`serve_on(profile, **settings)`: the API on the embedded profile (SQLite, in-process
    stores) or the production one (PostgreSQL, Redis, a key prefix of this test's), with
    settings overridden by keyword."""

    def started(profile: str, **overrides: Any) -> str:
        if profile == "embedded":
            return serve(**overrides)
        production: dict[str, Any] = {
            "profile": "production",
            "database_url": request.getfixturevalue("postgres_url"),
            "redis_url": "redis://127.0.0.1:6379/0",
            "redis_prefix": redis_prefix,
            "secret_key": TEST_SECRET,
            "journal_kek": TEST_KEK,
            "secure_cookies": False,
        }
        return serve(**{**production, **overrides})

    return started


@pytest.fixture(params=["embedded", "production"])
def any_profile_url(request: pytest.FixtureRequest, serve_on: Callable[..., str]) -> str:
    """The API on the embedded profile and on the production one."""
    return serve_on(request.param)
