from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from domains.shared.errors import InvalidInput

MAX_NAME_LENGTH = 100
#: How far back a day may be marked: enough to catch up, not enough to rewrite history.
MAX_BACKFILL_DAYS = 366
MAX_BULK_MARKS = 100
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ScheduleKind(Enum):
    DAILY = "daily"
    WEEKDAYS = "weekdays"
    TIMES_PER_WEEK = "times_per_week"


@dataclass(frozen=True, slots=True)
class Schedule:
    """Which local days a habit asks for. `weekdays` uses Monday = 0; `times_per_week` lets
    any days of an ISO week (Monday to Sunday) count towards the target."""

    kind: ScheduleKind
    weekdays: frozenset[int] = frozenset()
    times_per_week: int = 0

    def __post_init__(self) -> None:
        if self.kind is ScheduleKind.WEEKDAYS:
            if not self.weekdays or not all(0 <= d <= 6 for d in self.weekdays):
                raise InvalidInput(
                    "choose at least one weekday, numbered 0 (Monday) to 6 (Sunday)",
                    field="schedule.weekdays",
                )
        elif self.weekdays:
            raise InvalidInput(
                "weekdays apply only to a weekdays schedule", field="schedule.weekdays"
            )
        if self.kind is ScheduleKind.TIMES_PER_WEEK:
            if not 1 <= self.times_per_week <= 7:
                raise InvalidInput(
                    "times_per_week must be between 1 and 7", field="schedule.times_per_week"
                )
        elif self.times_per_week:
            raise InvalidInput(
                "times_per_week applies only to a times_per_week schedule",
                field="schedule.times_per_week",
            )

    @classmethod
    def daily(cls) -> Schedule:
        return cls(ScheduleKind.DAILY)

    @classmethod
    def on(cls, *weekdays: int) -> Schedule:
        return cls(ScheduleKind.WEEKDAYS, weekdays=frozenset(weekdays))

    @classmethod
    def per_week(cls, times: int) -> Schedule:
        return cls(ScheduleKind.TIMES_PER_WEEK, times_per_week=times)

    @property
    def counts_days(self) -> bool:
        """Streaks count scheduled days; a times-per-week habit's streak counts weeks."""
        return self.kind is not ScheduleKind.TIMES_PER_WEEK

    def is_scheduled(self, day: date) -> bool:
        if self.kind is ScheduleKind.WEEKDAYS:
            return day.weekday() in self.weekdays
        return True


def check_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidInput("the habit needs a name", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"a habit name has at most {MAX_NAME_LENGTH} characters", field="name")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InvalidInput("the name cannot contain control characters", field="name")
    return name


def name_key(name: str) -> str:
    """What makes two names the same for uniqueness: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def check_mark_date(day: date, today: date, field: str = "date") -> None:
    if day > today:
        raise InvalidInput("a day in the future cannot be marked yet", field=field)
    if day < today - timedelta(days=MAX_BACKFILL_DAYS):
        raise InvalidInput(
            f"days more than {MAX_BACKFILL_DAYS} days ago cannot be marked", field=field
        )


@dataclass(slots=True)
class Habit:
    id: str
    user_id: str
    name: str
    schedule: Schedule
    #: The user's local day when the habit was created: days before it are not misses.
    created_on: date
    created_at: datetime
    updated_at: datetime
    archived: bool = False
    favourite: bool = False
    #: Kept by atomic SQL increments alongside the day marks.
    completions: int = 0


@dataclass(frozen=True, slots=True)
class DayMark:
    habit_id: str
    day: date
    done: bool
    #: False when the day already was in the requested state (marks are idempotent).
    changed: bool
