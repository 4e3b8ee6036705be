"""A user's day: the one capability every context counts local days by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from domains.shared.days import UserDays
from domains.shared.errors import NotFound


@dataclass
class Zones:
    names: dict[str, str]

    async def zone_of(self, user_id: str) -> str:
        if user_id not in self.names:
            raise NotFound("no such user")
        return self.names[user_id]


@dataclass
class Clock:
    instant: datetime

    def now(self) -> datetime:
        return self.instant


LATE_UTC = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)


async def test_the_users_today_is_their_own_zones_date() -> None:
    days = UserDays(Zones({"tokyo": "Asia/Tokyo", "la": "America/Los_Angeles"}), Clock(LATE_UTC))
    assert (await days.of("tokyo")).today == date(2026, 12, 5)
    assert (await days.of("la")).today == date(2026, 12, 4)


async def test_a_zone_retired_from_the_database_counts_as_utc_not_an_error() -> None:
    day = await UserDays(Zones({"u": "Mars/Olympus_Mons"}), Clock(LATE_UTC)).of("u")
    assert (day.zone.key, day.today) == ("UTC", date(2026, 12, 4))


async def test_an_unknown_account_is_not_found() -> None:
    with pytest.raises(NotFound):
        await UserDays(Zones({}), Clock(LATE_UTC)).of("gone")


async def test_a_day_bounds_the_users_local_midnights_in_utc() -> None:
    day = await UserDays(Zones({"u": "Asia/Tokyo"}), Clock(LATE_UTC)).of("u")
    start, end = day.bounds(date(2026, 12, 5))
    assert (start, end) == (
        datetime(2026, 12, 4, 15, 0, tzinfo=UTC),
        datetime(2026, 12, 5, 15, 0, tzinfo=UTC),
    )
    assert day.date_of(start) == date(2026, 12, 5)
