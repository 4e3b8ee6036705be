"""A user's days, one capability for every context that counts them: the zone port
(`UserZones`), the day it is for the user now (`UserDays.of` -> `UserDay`, one policy for a
zone the machine no longer knows), and the ranges of days a user may ask for, checked by one
rule (mood, breathing, pomodoro statistics, the app streak): from 2000-01-01, at most a year
ahead of the user's today, and at most 366 days long, so one request cannot scan decades."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from domains.shared.clock import Clock, local_date, time_zone
from domains.shared.errors import InvalidInput

EARLIEST_DATE = date(2000, 1, 1)
#: The most days one range covers, both ends counted; also how far ahead of today it may end.
MAX_RANGE_DAYS = 366


def check_range(start: date, end: date, today: date) -> None:
    """InvalidInput naming `from` or `to` when [start, end] is not a range a user may ask for."""
    if start > end:
        raise InvalidInput("the range starts after it ends", field="from")
    if start < EARLIEST_DATE:
        raise InvalidInput(f"dates start at {EARLIEST_DATE.isoformat()}", field="from")
    if end > today + timedelta(days=MAX_RANGE_DAYS):
        raise InvalidInput("the range ends too far in the future", field="to")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(f"a range covers at most {MAX_RANGE_DAYS} days", field="to")


class UserZones(Protocol):
    """The one port every context reads a user's time zone through (identity owns the name)."""

    async def zone_of(self, user_id: str) -> str:
        """The IANA name the user chose; NotFound when the account no longer exists."""
        ...


@dataclass(frozen=True, slots=True)
class UserDay:
    """A user's calendar at one instant: the zone their days are counted in and the date it is
    there. Resolved once per request and handed to whatever counts the user's days."""

    zone: ZoneInfo
    today: date

    def date_of(self, instant: datetime) -> date:
        """The user's calendar day at `instant`."""
        return local_date(instant, self.zone)

    def bounds(self, day: date) -> tuple[datetime, datetime]:
        """The user's local `day` as an instant range [start, end) in UTC."""
        start = datetime.combine(day, time.min, tzinfo=self.zone)
        end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=self.zone)
        return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class UserDays:
    """Finds a user's day, with one policy for every context: an unknown account is NotFound
    (from the port); a stored zone this machine's time zone database does not know (a name
    retired from tzdata after the user chose it) counts as UTC rather than failing the user's
    request, since the name was valid when it was stored."""

    zones: UserZones
    clock: Clock

    async def of(self, user_id: str) -> UserDay:
        name = await self.zones.zone_of(user_id)
        try:
            zone = time_zone(name)
        except InvalidInput:
            zone = ZoneInfo("UTC")
        return UserDay(zone=zone, today=local_date(self.clock.now(), zone))
