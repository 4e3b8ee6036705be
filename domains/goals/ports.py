"""What goals need from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol, Self

from domains.goals.model import ChecklistItem, Goal, GoalEvent, Horizon


class GoalRepository(Protocol):
    async def add(self, goal: Goal) -> None: ...
    async def get(self, user_id: str, goal_id: str) -> Goal | None:
        """With its checklist items; None also when the goal belongs to another user."""
        ...

    async def list(
        self, user_id: str, *, completed: bool | None, horizon: Horizon | None
    ) -> Sequence[Goal]: ...
    async def count(self, user_id: str) -> int: ...
    async def update_details(self, goal: Goal) -> None:
        """Title, description, due date and target; never progress or completion."""
        ...

    async def delete(self, user_id: str, goal_id: str) -> bool: ...

    async def change_progress(
        self,
        user_id: str,
        goal_id: str,
        *,
        set_to: int | None = None,
        delta: int | None = None,
        ceiling: int | None = None,
        now: datetime,
    ) -> int | None:
        """Set or add to the progress in one atomic statement, kept within 0..ceiling, and
        return the new value (None when there is no such goal). Concurrent deltas all count."""
        ...

    async def complete_if_reached(
        self, user_id: str, goal_id: str, now: datetime, on: date
    ) -> bool:
        """Mark the goal completed when its progress has reached the target and it was not yet
        completed; True only for the call that did it."""
        ...

    async def set_completed(
        self, user_id: str, goal_id: str, now: datetime, on: date | None
    ) -> bool:
        """Complete (or reopen, with `on` None) unconditionally; True when something changed."""
        ...

    async def add_item(self, user_id: str, goal_id: str, item: ChecklistItem) -> None: ...
    async def update_item(self, goal_id: str, item: ChecklistItem) -> bool: ...
    async def delete_item(self, goal_id: str, item_id: str) -> bool: ...
    async def recount_items(self, goal_id: str, now: datetime) -> tuple[int, int]:
        """Set progress to the done items and target to all items; returns (progress, target)."""
        ...

    async def add_event(self, event: GoalEvent) -> None: ...
    async def events(self, user_id: str, goal_id: str, limit: int) -> Sequence[GoalEvent]:
        """Newest first."""
        ...

    async def events_on(self, user_id: str, day: date) -> Sequence[GoalEvent]: ...
    async def all_events(self, user_id: str) -> Sequence[GoalEvent]: ...
    async def delete_for_user(self, user_id: str) -> None: ...


class GoalsUnitOfWork(Protocol):
    @property
    def goals(self) -> GoalRepository:
        """Read-only, so adapters may narrow the type."""
        ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...
