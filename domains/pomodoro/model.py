from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum

from domains.shared.errors import InvalidInput

#: Days before this are refused in ranges: no ReFocused data can be older.
#: The longest range one statistics request may cover.
#: The inclusive range of each numeric setting (the HTTP schema declares the same).
SETTING_LIMITS = {
    "focus_minutes": (1, 180),
    "short_break_minutes": (1, 60),
    "long_break_minutes": (1, 120),
    "long_break_every": (1, 12),
}
MAX_TASKS_PER_REQUEST = 100


class SessionKind(Enum):
    FOCUS = "focus"
    SHORT_BREAK = "short_break"
    LONG_BREAK = "long_break"


class SessionStatus(Enum):
    RUNNING = "running"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


def _check_range(field_name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidInput(f"{field_name} must be between {low} and {high}", field=field_name)


@dataclass(frozen=True, slots=True)
class PomodoroSettings:
    focus_minutes: int = 25
    short_break_minutes: int = 5
    long_break_minutes: int = 15
    long_break_every: int = 4
    auto_start_breaks: bool = False
    auto_start_focus: bool = False

    def __post_init__(self) -> None:
        for name, (low, high) in SETTING_LIMITS.items():
            _check_range(name, getattr(self, name), low, high)

    def planned_minutes(self, kind: SessionKind) -> int:
        return {
            SessionKind.FOCUS: self.focus_minutes,
            SessionKind.SHORT_BREAK: self.short_break_minutes,
            SessionKind.LONG_BREAK: self.long_break_minutes,
        }[kind]

    def break_after(self, focus_sessions_completed_today: int) -> SessionKind:
        """Every `long_break_every`-th focus session earns a long break."""
        n = focus_sessions_completed_today
        if n > 0 and n % self.long_break_every == 0:
            return SessionKind.LONG_BREAK
        return SessionKind.SHORT_BREAK


@dataclass(slots=True)
class PomodoroSession:
    id: str
    user_id: str
    kind: SessionKind
    status: SessionStatus
    planned_seconds: int
    started_at: datetime
    ended_at: datetime | None = None
    actual_seconds: int | None = None
    tasks_done: int = 0
    #: The user's local day when the session ended: the day its statistics count on.
    local_date: date | None = None

    def credited_seconds(self) -> int:
        """Focus time counted in statistics: the time really spent, but never more than planned,
        so a timer left open overnight does not claim hours of focus."""
        if self.actual_seconds is None:
            return 0
        return min(self.actual_seconds, self.planned_seconds)


@dataclass(frozen=True, slots=True)
class Completion:
    """What a completed session adds to its local day's totals."""

    user_id: str
    local_date: date
    focus_seconds: int
    focus_sessions: int
    break_sessions: int
    tasks_done: int


@dataclass(frozen=True, slots=True)
class DayStats:
    day: date
    focus_seconds: int = 0
    focus_sessions: int = 0
    break_sessions: int = 0
    tasks_done: int = 0

    @property
    def focus_minutes(self) -> int:
        return self.focus_seconds // 60


@dataclass(frozen=True, slots=True)
class PeriodStats:
    start: date
    end: date
    days: list[DayStats] = field(default_factory=list)

    @property
    def focus_seconds(self) -> int:
        return sum(d.focus_seconds for d in self.days)

    @property
    def focus_minutes(self) -> int:
        return self.focus_seconds // 60

    @property
    def focus_sessions(self) -> int:
        return sum(d.focus_sessions for d in self.days)

    @property
    def break_sessions(self) -> int:
        return sum(d.break_sessions for d in self.days)

    @property
    def tasks_done(self) -> int:
        return sum(d.tasks_done for d in self.days)


def period(start: date, end: date, stored: list[DayStats]) -> PeriodStats:
    """Every day of [start, end], days without activity as zeros, so charts need no gaps filled."""
    by_day = {d.day: d for d in stored}
    days = []
    day = start
    while day <= end:
        days.append(by_day.get(day, DayStats(day)))
        day += timedelta(days=1)
    return PeriodStats(start, end, days)
