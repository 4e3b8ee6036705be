"""Habit use cases: short methods over a unit of work. Every "day" is the user's local day."""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from datetime import date
from typing import Any

from domains.habits import progress as rules
from domains.habits.errors import HabitNotFound
from domains.habits.model import (
    MAX_BULK_MARKS,
    DayMark,
    Habit,
    Schedule,
    check_mark_date,
    check_name,
)
from domains.habits.ports import HabitsReader, HabitsUnitOfWork
from domains.shared.clock import Clock
from domains.shared.days import UserDays
from domains.shared.errors import InvalidInput
from domains.shared.events import EventPublisher, ProductiveAction
from domains.shared.ids import is_id, new_id

ANALYTICS_WINDOWS = (7, 30, 90)


@dataclass(frozen=True, slots=True)
class HabitProgress:
    habit: Habit
    today: date
    done_today: bool
    scheduled_today: bool
    done_this_week: int
    streak: rules.Streak
    #: Between 0 and 1.
    strength: float


@dataclass(frozen=True, slots=True)
class Analytics:
    progress: HabitProgress
    rates: list[rules.Rate]
    by_weekday: list[rules.WeekdayRate]


@dataclass(frozen=True, slots=True)
class Dashboard:
    today: date
    habits: list[HabitProgress]

    @property
    def due_today(self) -> int:
        return sum(1 for h in self.habits if h.scheduled_today)

    @property
    def done_today(self) -> int:
        return sum(1 for h in self.habits if h.done_today)


@dataclass(frozen=True, slots=True)
class MarkRequest:
    habit_id: str
    day: date
    done: bool


@dataclass
class HabitsService:
    uow: Callable[[], HabitsUnitOfWork]
    user_days: UserDays
    clock: Clock
    events: EventPublisher
    #: The screens' reads (list, one habit, the dashboard); the unit of work when not given.
    reader: Callable[[], HabitsReader] | None = None

    # -- habits ---------------------------------------------------------------------------

    async def create(
        self, user_id: str, name: str, schedule: Schedule, *, favourite: bool = False
    ) -> Habit:
        now = self.clock.now()
        habit = Habit(
            id=new_id(),
            user_id=user_id,
            name=check_name(name),
            schedule=schedule,
            created_on=(await self.user_days.of(user_id)).date_of(now),
            created_at=now,
            updated_at=now,
            favourite=favourite,
        )
        async with self.uow() as uow:
            await uow.habits.add(habit)
            await uow.commit()
        return habit

    async def list_habits(self, user_id: str, *, include_archived: bool = False) -> list[Habit]:
        async with self._read() as read:
            return list(await read.habits.list_for_user(user_id, include_archived=include_archived))

    async def get(self, user_id: str, habit_id: str) -> HabitProgress:
        today = (await self.user_days.of(user_id)).today
        async with self._read() as uow:
            habit = await self._owned(uow, user_id, habit_id)
            done = await uow.marks.days(habit_id)
        return _progress_of(habit, done, today)

    async def update(
        self,
        user_id: str,
        habit_id: str,
        *,
        name: str | None = None,
        schedule: Schedule | None = None,
        favourite: bool | None = None,
        archived: bool | None = None,
    ) -> Habit:
        async with self.uow() as uow:
            habit = await self._owned(uow, user_id, habit_id)
            if name is not None:
                habit.name = check_name(name)
            if schedule is not None:
                habit.schedule = schedule
            if favourite is not None:
                habit.favourite = favourite
            if archived is not None:
                habit.archived = archived
            habit.updated_at = self.clock.now()
            await uow.habits.update(habit)
            await uow.commit()
        return habit

    async def delete(self, user_id: str, habit_id: str) -> None:
        async with self.uow() as uow:
            await self._owned(uow, user_id, habit_id)
            await uow.habits.delete(habit_id)
            await uow.commit()

    # -- marking days ---------------------------------------------------------------------

    async def mark(self, user_id: str, habit_id: str, day: date, done: bool) -> DayMark:
        return (await self.mark_many(user_id, [MarkRequest(habit_id, day, done)]))[0]

    async def mark_many(self, user_id: str, requests: Sequence[MarkRequest]) -> list[DayMark]:
        """All or nothing: one unknown habit or bad date and no mark is applied. Idempotent:
        marking a done day done again changes nothing and counts nothing. Each newly done day
        is published inside the unit of work, so its handlers (the app streak) share the
        marks' transaction."""
        if not 1 <= len(requests) <= MAX_BULK_MARKS:
            raise InvalidInput(
                f"send between 1 and {MAX_BULK_MARKS} marks at a time", field="marks"
            )
        user_day = await self.user_days.of(user_id)
        for i, request in enumerate(requests):
            check_mark_date(
                request.day,
                user_day.today,
                field="date" if len(requests) == 1 else f"marks[{i}].date",
            )
        now = self.clock.now()
        results: dict[int, DayMark] = {}
        # Rows are written in one global order (habit, day), so two bulk requests touching the
        # same habits cannot each hold a lock the other waits for.
        order = sorted(range(len(requests)), key=lambda i: (requests[i].habit_id, requests[i].day))
        async with self.uow() as uow:
            for habit_id in sorted({r.habit_id for r in requests}):
                await self._owned(uow, user_id, habit_id)
            for i in order:
                r = requests[i]
                if r.done:
                    changed = await uow.marks.mark(r.habit_id, user_id, r.day, now)
                else:
                    changed = await uow.marks.unmark(r.habit_id, r.day)
                if changed:
                    await uow.habits.add_to_count(r.habit_id, 1 if r.done else -1)
                results[i] = DayMark(r.habit_id, r.day, r.done, changed)
            marks = [results[i] for i in range(len(requests))]
            for mark in marks:
                if mark.done and mark.changed:
                    await self.events.publish(
                        ProductiveAction(user_id, "habit_done", now, user_day.date_of(now))
                    )
            await uow.commit()
        return marks

    # -- progress -------------------------------------------------------------------------

    async def calendar(
        self, user_id: str, habit_id: str, year: int, month: int
    ) -> list[rules.CalendarDay]:
        if not 2000 <= year <= 2200 or not 1 <= month <= 12:
            raise InvalidInput("the month must be YYYY-MM between 2000 and 2200", field="month")
        today = (await self.user_days.of(user_id)).today
        async with self._read() as uow:
            habit = await self._owned(uow, user_id, habit_id)
            done = await uow.marks.days(habit_id)
        start = rules.start_of(habit.created_on, done)
        return rules.month_calendar(habit.schedule, done, start, today, year, month)

    async def calendars(
        self, user_id: str, year: int, month: int, *, limit: int
    ) -> list[tuple[Habit, list[rules.CalendarDay]]]:
        """`calendar` of each of the user's first `limit` active habits (in list order), read
        together: the user's today once, the habits and their days in one read."""
        if not 2000 <= year <= 2200 or not 1 <= month <= 12:
            raise InvalidInput("the month must be YYYY-MM between 2000 and 2200", field="month")
        today = (await self.user_days.of(user_id)).today
        async with self._read() as read:
            habits = list(await read.habits.list_for_user(user_id, include_archived=False))
            habits = habits[:limit]
            marks = await read.marks.days_of([h.id for h in habits])
        found = []
        for habit in habits:
            done = marks.get(habit.id, set())
            start = rules.start_of(habit.created_on, done)
            found.append(
                (habit, rules.month_calendar(habit.schedule, done, start, today, year, month))
            )
        return found

    async def analytics(self, user_id: str, habit_id: str) -> Analytics:
        today = (await self.user_days.of(user_id)).today
        async with self.uow() as uow:
            habit = await self._owned(uow, user_id, habit_id)
            done = await uow.marks.days(habit_id)
        start = rules.start_of(habit.created_on, done)
        return Analytics(
            progress=_progress_of(habit, done, today),
            rates=[
                rules.completion_rate(habit.schedule, done, start, today, days)
                for days in ANALYTICS_WINDOWS
            ],
            by_weekday=rules.by_weekday(habit.schedule, done, start, today),
        )

    async def dashboard(self, user_id: str) -> Dashboard:
        """Every active habit as it stands today, favourites first."""
        today = (await self.user_days.of(user_id)).today
        async with self._read() as uow:
            habits = await uow.habits.list_for_user(user_id, include_archived=False)
            marks = await uow.marks.days_of([h.id for h in habits])
        return Dashboard(today, [_progress_of(h, marks.get(h.id, set()), today) for h in habits])

    # -- helpers --------------------------------------------------------------------------

    def _read(self) -> HabitsReader:
        return (self.reader or self.uow)()

    async def _owned(self, uow: HabitsReader, user_id: str, habit_id: str) -> Habit:
        habit = await uow.habits.get(habit_id) if is_id(habit_id) else None
        if habit is None or habit.user_id != user_id:
            raise HabitNotFound()
        return habit


def _progress_of(habit: Habit, done: Set[date], today: date) -> HabitProgress:
    start = rules.start_of(habit.created_on, done)
    return HabitProgress(
        habit=habit,
        today=today,
        done_today=today in done,
        scheduled_today=habit.schedule.is_scheduled(today),
        done_this_week=rules.done_this_week(done, today),
        streak=rules.streak(habit.schedule, done, today),
        strength=rules.strength(habit.schedule, done, start, today),
    )


@dataclass
class HabitsUserData:
    """Export and erasure of everything Habits holds for a user."""

    uow: Callable[[], HabitsUnitOfWork]
    name: str = "habits"

    async def export(self, user_id: str) -> list[dict[str, Any]]:
        async with self.uow() as uow:
            habits = await uow.habits.list_for_user(user_id, include_archived=True)
            marks = await uow.marks.list_for_user(user_id)
        days: dict[str, list[str]] = {}
        for habit_id, day, _ in marks:
            days.setdefault(habit_id, []).append(day.isoformat())
        return [
            {
                "id": h.id,
                "name": h.name,
                "schedule": schedule_json(h.schedule),
                "archived": h.archived,
                "favourite": h.favourite,
                "created_on": h.created_on.isoformat(),
                "created_at": h.created_at.isoformat(),
                "done_days": sorted(days.get(h.id, [])),
            }
            for h in habits
        ]

    async def erase(self, user_id: str) -> None:
        async with self.uow() as uow:
            await uow.habits.delete_for_user(user_id)
            await uow.commit()


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    return {
        "kind": schedule.kind.value,
        "weekdays": sorted(schedule.weekdays),
        "times_per_week": schedule.times_per_week or None,
    }
