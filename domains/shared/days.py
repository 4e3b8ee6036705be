"""Ranges of a user's days, checked by one rule for every context that reads them (mood,
breathing, pomodoro statistics, the app streak): from 2000-01-01, at most a year ahead of the
user's today, and at most 366 days long, so one request cannot scan decades."""

from __future__ import annotations

from datetime import date, timedelta

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
