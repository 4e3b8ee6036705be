"""In-memory fakes of the goals ports."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from domains.goals.model import ChecklistItem, Goal, GoalEvent, Horizon
from tests.support.fakes import AutoCommitUnitOfWork
from tests.support.fakes import FakeClock as SharedFakeClock
from tests.support.fakes import FakeZones as FakeZones


class FakeClock(SharedFakeClock):
    start = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@dataclass
class Store:
    goals: dict[str, Goal] = field(default_factory=dict)
    events: list[GoalEvent] = field(default_factory=list)


class FakeGoals:
    def __init__(self, store: Store) -> None:
        self.s = store

    def _mine(self, user_id: str, goal_id: str) -> Goal | None:
        goal = self.s.goals.get(goal_id)
        return goal if goal is not None and goal.user_id == user_id else None

    async def add(self, goal: Goal) -> None:
        self.s.goals[goal.id] = copy.deepcopy(goal)

    async def get(self, user_id: str, goal_id: str) -> Goal | None:
        return copy.deepcopy(self._mine(user_id, goal_id))

    async def list(
        self, user_id: str, *, completed: bool | None, horizon: Horizon | None
    ) -> Sequence[Goal]:
        found = [
            copy.deepcopy(g)
            for g in self.s.goals.values()
            if g.user_id == user_id
            and (completed is None or (g.completed_at is not None) == completed)
            and (horizon is None or g.horizon is horizon)
        ]
        return sorted(found, key=lambda g: g.created_at, reverse=True)

    async def count(self, user_id: str) -> int:
        return sum(1 for g in self.s.goals.values() if g.user_id == user_id)

    async def update_details(self, goal: Goal) -> None:
        stored = self.s.goals[goal.id]
        stored.title, stored.description = goal.title, goal.description
        stored.due_date, stored.target, stored.updated_at = (
            goal.due_date,
            goal.target,
            goal.updated_at,
        )

    async def delete(self, user_id: str, goal_id: str) -> bool:
        if self._mine(user_id, goal_id) is None:
            return False
        del self.s.goals[goal_id]
        self.s.events = [e for e in self.s.events if e.goal_id != goal_id]
        return True

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
        goal = self._mine(user_id, goal_id)
        if goal is None:
            return None
        raw = goal.progress + delta if delta is not None else (set_to or 0)
        goal.progress = max(0, raw if ceiling is None else min(ceiling, raw))
        goal.updated_at = now
        return goal.progress

    async def complete_if_reached(
        self, user_id: str, goal_id: str, now: datetime, on: date
    ) -> bool:
        goal = self._mine(user_id, goal_id)
        if goal is None or goal.completed_at is not None or goal.target <= 0:
            return False
        if goal.progress < goal.target:
            return False
        goal.completed_at, goal.completed_on = now, on
        return True

    async def set_completed(
        self, user_id: str, goal_id: str, now: datetime, on: date | None
    ) -> bool:
        goal = self._mine(user_id, goal_id)
        if goal is None or (goal.completed_at is None) == (on is None):
            return False
        goal.completed_at, goal.completed_on = (now if on else None), on
        return True

    async def add_item(self, user_id: str, goal_id: str, item: ChecklistItem) -> None:
        self.s.goals[goal_id].items.append(copy.copy(item))

    async def update_item(self, goal_id: str, item: ChecklistItem) -> bool:
        for stored in self.s.goals[goal_id].items:
            if stored.id == item.id:
                stored.text, stored.done = item.text, item.done
                return True
        return False

    async def delete_item(self, goal_id: str, item_id: str) -> bool:
        goal = self.s.goals[goal_id]
        before = len(goal.items)
        goal.items = [i for i in goal.items if i.id != item_id]
        return len(goal.items) < before

    async def recount_items(self, goal_id: str, now: datetime) -> tuple[int, int]:
        goal = self.s.goals[goal_id]
        goal.progress = sum(1 for i in goal.items if i.done)
        goal.target = len(goal.items)
        return goal.progress, goal.target

    async def add_event(self, event: GoalEvent) -> None:
        self.s.events.append(event)

    async def events(self, user_id: str, goal_id: str, limit: int) -> Sequence[GoalEvent]:
        mine = [e for e in self.s.events if e.goal_id == goal_id and e.user_id == user_id]
        return list(reversed(mine))[:limit]

    async def events_on(self, user_id: str, day: date) -> Sequence[GoalEvent]:
        return [e for e in self.s.events if e.user_id == user_id and e.local_date == day]

    async def all_events(self, user_id: str) -> Sequence[GoalEvent]:
        return [e for e in self.s.events if e.user_id == user_id]

    async def delete_for_user(self, user_id: str) -> None:
        self.s.goals = {k: g for k, g in self.s.goals.items() if g.user_id != user_id}
        self.s.events = [e for e in self.s.events if e.user_id != user_id]


class FakeGoalsUnitOfWork(AutoCommitUnitOfWork):
    def __init__(self, store: Store) -> None:
        self.goals = FakeGoals(store)
