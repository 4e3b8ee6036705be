from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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


# Longer than any test that asks for its user's today runs, so none straddles midnight.
MIDNIGHT_MARGIN = timedelta(minutes=3)


@pytest.fixture
def users_today() -> Callable[..., date]:
    """`users_today(zone="UTC")`: the date the server counts as today for a user in `zone`,
    the same on every call in one test. Tests that compare their own idea of today with the
    server's would fail when midnight falls between the two; so when midnight in `zone` is
    less than MIDNIGHT_MARGIN away, the first call waits for it, and the date holds until the
    test ends. Ask before the server records anything the test then looks for on a day."""
    days: dict[str, date] = {}

    def today(zone: str = "UTC") -> date:
        if zone not in days:
            now = datetime.now(ZoneInfo(zone))
            midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
            left = midnight.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC) - now.astimezone(UTC)
            if left < MIDNIGHT_MARGIN:
                time.sleep(left.total_seconds() + 1)
            days[zone] = datetime.now(ZoneInfo(zone)).date()
        return days[zone]

    return today
