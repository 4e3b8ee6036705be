from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(slots=True)
class StreakRecord:
    """What is stored per user, rebuilt from the active days whenever a new day is added."""

    user_id: str
    last_day: date | None = None
    #: Length of the run of consecutive days that ends on `last_day`.
    last_run: int = 0
    longest: int = 0
    active_days: int = 0


@dataclass(frozen=True, slots=True)
class AppStreak:
    today: date
    current: int
    longest: int
    last_active_date: date | None
    active_today: bool
    active_days: int


def summarise(user_id: str, days: Iterable[date]) -> StreakRecord:
    """The run ending on the latest day and the longest run, from the set of active days (in
    any order; duplicates ignored). Rebuilding from the days, rather than adding one to a
    counter, keeps the result right when a day arrives late or out of order."""
    record = StreakRecord(user_id)
    run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        record.longest = max(record.longest, run)
        record.active_days += 1
        previous = day
    record.last_day = previous
    record.last_run = run
    return record


def extend(record: StreakRecord | None, user_id: str, day: date) -> StreakRecord | None:
    """The record after a new active `day`, when that day is after every known one (nearly
    always: actions arrive in order). None when it falls before the last day, which can join
    or split runs and needs a rebuild from all days with `summarise`."""
    record = record or StreakRecord(user_id)
    if record.last_day is not None and day <= record.last_day:
        return None
    follows = record.last_day is not None and day - record.last_day == timedelta(days=1)
    run = record.last_run + 1 if follows else 1
    return StreakRecord(
        user_id=user_id,
        last_day=day,
        last_run=run,
        longest=max(record.longest, run),
        active_days=record.active_days + 1,
    )


def streak_on(record: StreakRecord | None, today: date) -> AppStreak:
    """The streak as the user sees it on `today`: a day not yet done does not break the streak
    until it is over, so yesterday's run still counts today."""
    if record is None or record.last_day is None:
        return AppStreak(today, 0, 0, None, False, 0)
    alive = record.last_day >= today - timedelta(days=1)
    return AppStreak(
        today=today,
        current=record.last_run if alive else 0,
        longest=record.longest,
        # After a move to a zone that is behind, the last active day can be after today there;
        # it is shown as today (the action did happen, and no later than now).
        last_active_date=min(record.last_day, today),
        active_today=record.last_day >= today,
        active_days=record.active_days,
    )
