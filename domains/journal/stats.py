from __future__ import annotations

from collections.abc import Set
from datetime import date, timedelta


def streaks(days: Set[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days. The current run is still alive when the
    last day written is yesterday: today is not over yet."""
    longest = run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    day = today if today in days else today - timedelta(days=1)
    while day in days:
        current += 1
        day -= timedelta(days=1)
    return current, longest
