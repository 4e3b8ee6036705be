"""What Habits needs from the outside world. Adapters implement these; tests fake them."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol, Self

from domains.habits.model import Habit


class HabitRepository(Protocol):
    async def add(self, habit: Habit) -> None:
        """Raises HabitNameTaken when the user has a habit of that name (case-insensitive),
        also under a race."""
        ...

    async def get(self, habit_id: str) -> Habit | None: ...

    async def list_for_user(self, user_id: str, *, include_archived: bool) -> Sequence[Habit]:
        """Favourites first, then by name."""
        ...

    async def update(self, habit: Habit) -> None:
        """Saves name, schedule, flags; raises HabitNameTaken like `add`."""
        ...

    async def add_to_count(self, habit_id: str, delta: int) -> None:
        """Atomically adjust the completion counter (UPDATE ... SET n = n + delta)."""
        ...

    async def delete(self, habit_id: str) -> None:
        """Removes the habit and its marks."""
        ...

    async def delete_for_user(self, user_id: str) -> None: ...


class MarkRepository(Protocol):
    async def mark(self, habit_id: str, user_id: str, day: date, now: datetime) -> bool:
        """Record the day as done; False when it already was (a unique key decides, so two
        concurrent marks of one day record it once)."""
        ...

    async def unmark(self, habit_id: str, day: date) -> bool:
        """False when the day was not marked."""
        ...

    async def days(self, habit_id: str) -> set[date]: ...

    async def days_of(self, habit_ids: Collection[str]) -> Mapping[str, set[date]]: ...

    async def list_for_user(self, user_id: str) -> Sequence[tuple[str, date, datetime]]:
        """(habit id, day, marked at) for the export."""
        ...


class HabitsUnitOfWork(Protocol):
    habits: HabitRepository
    marks: MarkRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc: object) -> None:
        """Rolls back whatever was not committed."""
        ...

    async def commit(self) -> None: ...


class HabitReads(Protocol):
    async def get(self, habit_id: str) -> Habit | None: ...

    async def list_for_user(self, user_id: str, *, include_archived: bool) -> Sequence[Habit]:
        """Favourites first, then by name."""
        ...


class MarkReads(Protocol):
    async def days(self, habit_id: str) -> set[date]: ...

    async def days_of(self, habit_ids: Collection[str]) -> Mapping[str, set[date]]: ...


class HabitsReader(Protocol):
    """The read port: what the screens read (a user's habits and their days), answered
    without a transaction. Any HabitsUnitOfWork is one; adapters may offer a cheaper one."""

    @property
    def habits(self) -> HabitReads: ...

    @property
    def marks(self) -> MarkReads: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc: object) -> None: ...
