from __future__ import annotations

from datetime import date

from msgspec import Struct

from domains.streaks.model import AppStreak


class StreakRead(Struct):
    today: date
    current: int
    longest: int
    active_today: bool
    last_active_date: date | None
    active_days: int

    @classmethod
    def of(cls, s: AppStreak) -> StreakRead:
        return cls(s.today, s.current, s.longest, s.active_today, s.last_active_date, s.active_days)


class ActiveDayRead(Struct):
    date: date
    actions: int
