from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domains.shared.errors import InvalidInput

EARLIEST_DATE = date(2000, 1, 1)
#: Planning ahead (goals due next year) is allowed; the year 9999 is not.
FURTHEST_AHEAD = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class CalendarDay:
    date: date
    time_zone: str
    is_today: bool
    #: Section name -> JSON-compatible summary of that domain's day.
    sections: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Dashboard:
    date: date
    time_zone: str
    sections: dict[str, Any]


def check_day(day: date, today: date) -> None:
    if day < EARLIEST_DATE:
        raise InvalidInput(f"the calendar starts at {EARLIEST_DATE.isoformat()}", field="date")
    if day > today + FURTHEST_AHEAD:
        raise InvalidInput("that date is more than a year ahead", field="date")
