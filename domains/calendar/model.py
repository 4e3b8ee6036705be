from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domains.shared.days import EARLIEST_DATE
from domains.shared.errors import InvalidInput

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


@dataclass(frozen=True, slots=True)
class CalendarMonth:
    year: int
    month: int
    time_zone: str
    today: date
    #: One entry per day of the month: {"date": ..., <section>: summary or None}.
    days: list[dict[str, Any]]


def month_bounds(year: int, month: int, today: date) -> tuple[date, date]:
    """The first and last day of a month the calendar shows."""
    if not 1 <= month <= 12 or not EARLIEST_DATE.year <= year <= (today + FURTHEST_AHEAD).year:
        raise InvalidInput(
            f"the month is YYYY-MM between {EARLIEST_DATE.year}-01 and a year ahead",
            field="month",
        )
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    last = following - timedelta(days=1)
    if first > today + FURTHEST_AHEAD:
        raise InvalidInput("that month is more than a year ahead", field="month")
    return first, last


def check_day(day: date, today: date) -> None:
    if day < EARLIEST_DATE:
        raise InvalidInput(f"the calendar starts at {EARLIEST_DATE.isoformat()}", field="date")
    if day > today + FURTHEST_AHEAD:
        raise InvalidInput("that date is more than a year ahead", field="date")
