"""Streaks, strength and rates: pure functions of a schedule, the done days and the local today.

Rules shared by all of them:
- only days the schedule asks for count (a times-per-week habit counts weeks against its target);
- today not yet done is pending, not missed, until the day ends in the user's time zone;
- days before the habit's start (its creation, or its first mark if earlier) are not misses;
- marks after today (possible only after the user moved to a zone that is behind) are ignored,
  except by the best streak: a run achieved stays achieved.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterator, Set
from dataclasses import dataclass
from datetime import date, timedelta

from domains.habits.model import Schedule, ScheduleKind

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Streak:
    current: int
    best: int
    #: "days" (scheduled days) or "weeks" (weeks that met a times-per-week target).
    unit: str


@dataclass(frozen=True, slots=True)
class Rate:
    days: int
    done: int
    expected: int
    #: done / expected between 0 and 1; None when nothing was expected yet.
    rate: float | None


@dataclass(frozen=True, slots=True)
class WeekdayRate:
    weekday: int
    done: int
    expected: int
    rate: float | None


@dataclass(frozen=True, slots=True)
class CalendarDay:
    day: date
    done: bool
    scheduled: bool
    #: Today or earlier, and not before the habit started: a day that can be judged.
    tracked: bool


def start_of(created_on: date, done: Set[date]) -> date:
    return min(created_on, min(done)) if done else created_on


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _last_judged_day(done: Set[date], today: date) -> date:
    """Today counts once it is done; until then the last judged day is yesterday."""
    return today if today in done else today - ONE_DAY


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# -- streaks ------------------------------------------------------------------------------


def streak(schedule: Schedule, done: Set[date], today: date) -> Streak:
    """The current run ignores marks after today; the best run counts them: a run the user
    achieved stays achieved after a move to a zone that is behind."""
    unit = "days" if schedule.counts_days else "weeks"
    if not done:
        return Streak(0, 0, unit)
    current, _ = _streaks(schedule, {d for d in done if d <= today}, today)
    _, best = _streaks(schedule, done, max(today, max(done)))
    return Streak(current, max(best, current), unit)


def _streaks(schedule: Schedule, done: Set[date], today: date) -> tuple[int, int]:
    if not done:
        return 0, 0
    if schedule.counts_days:
        return _day_streaks(schedule, done, today)
    return _week_streaks(schedule.times_per_week, done, today)


def _day_streaks(schedule: Schedule, done: Set[date], today: date) -> tuple[int, int]:
    best = run = 0
    for day in _days(min(done), _last_judged_day(done, today)):
        if not schedule.is_scheduled(day):
            continue
        run = run + 1 if day in done else 0
        best = max(best, run)
    return run, best


def _week_streaks(target: int, done: Set[date], today: date) -> tuple[int, int]:
    this_week = _week_start(today)
    counts: dict[date, int] = {}
    for day in done:
        counts[_week_start(day)] = counts.get(_week_start(day), 0) + 1
    best = run = 0
    week = _week_start(min(done))
    while week <= this_week:
        met = counts.get(week, 0) >= target
        if met:
            run += 1
        elif week < this_week:  # the current week is pending until it ends
            run = 0
        best = max(best, run)
        week += timedelta(days=7)
    return run, best


# -- strength -----------------------------------------------------------------------------


def strength(schedule: Schedule, done: Set[date], start: date, today: date) -> float:
    """Exponentially smoothed score between 0 and 1, after Loop Habit Tracker: each judged
    occasion moves the score a step towards 1 (done) or 0 (missed), with a half-life of 13
    occasions, so a missed day costs little after months of practice.

    Day schedules step on each scheduled day. A times-per-week habit steps every day on the
    share of its weekly target met in the last 7 days, with Loop's slower daily multiplier
    (half-life of 13 / sqrt(times / 7) days)."""
    if schedule.kind is ScheduleKind.TIMES_PER_WEEK:
        frequency = schedule.times_per_week / 7
    else:
        frequency = 1.0
    multiplier = 0.5 ** (math.sqrt(frequency) / 13)
    score = 0.0
    for day in _days(start, _last_judged_day(done, today)):
        if schedule.kind is ScheduleKind.TIMES_PER_WEEK:
            window = sum(1 for back in range(7) if day - timedelta(days=back) in done)
            value = min(1.0, window / schedule.times_per_week)
        elif schedule.is_scheduled(day):
            value = 1.0 if day in done else 0.0
        else:
            continue
        score = score * multiplier + value * (1 - multiplier)
    return score


# -- rates --------------------------------------------------------------------------------


def completion_rate(
    schedule: Schedule, done: Set[date], start: date, today: date, days: int
) -> Rate:
    """Over the last `days` local days (today included once done), from the habit's start."""
    first = max(start, today - timedelta(days=days - 1))
    last = _last_judged_day(done, today)
    window = [d for d in _days(first, last)]
    if schedule.kind is ScheduleKind.TIMES_PER_WEEK:
        expected = math.ceil(len(window) * schedule.times_per_week / 7)
        hits = sum(1 for d in window if d in done)
        hits = min(hits, expected)
    else:
        scheduled = [d for d in window if schedule.is_scheduled(d)]
        expected = len(scheduled)
        hits = sum(1 for d in scheduled if d in done)
    return Rate(days, hits, expected, hits / expected if expected else None)


def by_weekday(
    schedule: Schedule, done: Set[date], start: date, today: date, days: int = 90
) -> list[WeekdayRate]:
    """For each weekday (Monday = 0) in the last `days` days: how often it was done when due."""
    first = max(start, today - timedelta(days=days - 1))
    expected = [0] * 7
    hits = [0] * 7
    for day in _days(first, _last_judged_day(done, today)):
        if schedule.is_scheduled(day):
            expected[day.weekday()] += 1
            hits[day.weekday()] += day in done
    return [
        WeekdayRate(w, hits[w], expected[w], hits[w] / expected[w] if expected[w] else None)
        for w in range(7)
    ]


def month_calendar(
    schedule: Schedule, done: Set[date], start: date, today: date, year: int, month: int
) -> list[CalendarDay]:
    last = calendar.monthrange(year, month)[1]
    return [
        CalendarDay(
            day=day,
            done=day in done,
            scheduled=schedule.is_scheduled(day),
            tracked=start <= day <= today,
        )
        for day in _days(date(year, month, 1), date(year, month, last))
    ]


def done_this_week(done: Set[date], today: date) -> int:
    week = _week_start(today)
    return sum(1 for d in done if week <= d <= today)
