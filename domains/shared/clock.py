"""Time as a port, so streaks, daily resets and token expiry are tested without sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domains.shared.errors import InvalidInput


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


def time_zone(name: str) -> ZoneInfo:
    """An IANA time zone, or InvalidInput naming the field."""
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        raise InvalidInput(f"unknown time zone {name[:64]!r}", field="time_zone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as e:
        raise InvalidInput(f"unknown time zone {name!r}", field="time_zone") from e


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The user's calendar day at `instant`: a user's day is their own time zone's day."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(zone).date()
