"""Hand-written fakes of Habits' ports: dictionaries and sets, no frameworks."""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Self

from domains.habits.errors import HabitNameTaken
from domains.habits.model import Habit, name_key


@dataclass
class Store:
    habits: dict[str, Habit] = field(default_factory=dict)
    #: (habit id, day) -> (user id, marked at)
    marks: dict[tuple[str, date], tuple[str, datetime]] = field(default_factory=dict)


class FakeHabits:
    def __init__(self, store: Store) -> None:
        self.s = store

    def _check_unique(self, habit: Habit) -> None:
        for other in self.s.habits.values():
            same_name = name_key(other.name) == name_key(habit.name)
            if other.user_id == habit.user_id and other.id != habit.id and same_name:
                raise HabitNameTaken()

    async def add(self, habit: Habit) -> None:
        self._check_unique(habit)
        self.s.habits[habit.id] = copy.copy(habit)

    async def get(self, habit_id: str) -> Habit | None:
        return copy.copy(self.s.habits.get(habit_id))

    async def list_for_user(self, user_id: str, *, include_archived: bool) -> Sequence[Habit]:
        mine = [
            copy.copy(h)
            for h in self.s.habits.values()
            if h.user_id == user_id and (include_archived or not h.archived)
        ]
        return sorted(mine, key=lambda h: (not h.favourite, name_key(h.name)))

    async def update(self, habit: Habit) -> None:
        self._check_unique(habit)
        count = self.s.habits[habit.id].completions
        self.s.habits[habit.id] = copy.copy(habit)
        self.s.habits[habit.id].completions = count

    async def add_to_count(self, habit_id: str, delta: int) -> None:
        self.s.habits[habit_id].completions += delta

    async def delete(self, habit_id: str) -> None:
        self.s.habits.pop(habit_id, None)
        for key in [k for k in self.s.marks if k[0] == habit_id]:
            del self.s.marks[key]

    async def delete_for_user(self, user_id: str) -> None:
        for habit in [h for h in self.s.habits.values() if h.user_id == user_id]:
            await self.delete(habit.id)


class FakeMarks:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def mark(self, habit_id: str, user_id: str, day: date, now: datetime) -> bool:
        if (habit_id, day) in self.s.marks:
            return False
        self.s.marks[(habit_id, day)] = (user_id, now)
        return True

    async def unmark(self, habit_id: str, day: date) -> bool:
        return self.s.marks.pop((habit_id, day), None) is not None

    async def days(self, habit_id: str) -> set[date]:
        return {day for h, day in self.s.marks if h == habit_id}

    async def days_of(self, habit_ids: Collection[str]) -> Mapping[str, set[date]]:
        return {h: await self.days(h) for h in habit_ids}

    async def list_for_user(self, user_id: str) -> Sequence[tuple[str, date, datetime]]:
        return [(h, d, at) for (h, d), (u, at) in self.s.marks.items() if u == user_id]


class FakeUnitOfWork:
    """Works on a copy of the store; only commit() publishes it, like a transaction."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _open(self) -> None:
        self._work = copy.deepcopy(self._store)
        self.habits = FakeHabits(self._work)
        self.marks = FakeMarks(self._work)

    async def __aenter__(self) -> Self:
        self._open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass

    async def commit(self) -> None:
        self._store.habits, self._store.marks = self._work.habits, self._work.marks
        self._open()
