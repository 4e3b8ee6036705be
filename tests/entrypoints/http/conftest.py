from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import TEST_KEK, TEST_SECRET


@pytest.fixture(params=["embedded", "production"])
def any_profile_url(
    request: pytest.FixtureRequest, serve: Callable[..., str], redis_prefix: str
) -> str:
    """The API on the embedded profile (SQLite, in-process stores) and on the production one
    (PostgreSQL, Redis)."""
    if request.param == "embedded":
        return serve()
    return serve(
        profile="production",
        database_url=request.getfixturevalue("postgres_url"),
        redis_url="redis://127.0.0.1:6379/0",
        redis_prefix=redis_prefix,
        secret_key=TEST_SECRET,
        journal_kek=TEST_KEK,
        secure_cookies=False,
    )
