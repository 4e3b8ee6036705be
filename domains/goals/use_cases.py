"""Goal use cases: set a goal, move it forward, complete it, and read its history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domains.goals.model import (
    MAX_GOALS,
    MAX_ITEMS,
    ChecklistItem,
    Goal,
    GoalEvent,
    Horizon,
    Kind,
    check_counter_target,
    check_description,
    check_item_text,
    check_title,
    due_date_for,
)
from domains.goals.ports import GoalsUnitOfWork
from domains.shared.clock import Clock
from domains.shared.days import UserDays
from domains.shared.errors import Conflict, InvalidInput, NotFound
from domains.shared.ids import new_id

MAX_HISTORY = 500


def _horizon(value: str) -> Horizon:
    try:
        return Horizon(value)
    except ValueError:
        raise InvalidInput("horizon is two_week or long_term", field="horizon") from None


def _kind(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise InvalidInput("kind is percentage, counter or checklist", field="kind") from None


@dataclass
class GoalsService:
    uow: Callable[[], GoalsUnitOfWork]
    user_days: UserDays
    clock: Clock

    async def today(self, user_id: str) -> date:
        """The user's today, for callers that show a goal's status on it."""
        return (await self.user_days.of(user_id)).today

    async def create(
        self,
        user_id: str,
        *,
        title: str,
        horizon: str,
        kind: str,
        description: str = "",
        target: int | None = None,
        items: Sequence[str] = (),
        due_date: date | None = None,
    ) -> Goal:
        goal_kind = _kind(kind)
        goal_horizon = _horizon(horizon)
        if goal_kind is Kind.COUNTER:
            goal_target = check_counter_target(target if target is not None else 0)
        elif target is not None:
            raise InvalidInput("only a counter goal takes a target", field="target")
        else:
            goal_target = 100 if goal_kind is Kind.PERCENTAGE else len(items)
        if items and goal_kind is not Kind.CHECKLIST:
            raise InvalidInput("only a checklist goal has items", field="items")
        if len(items) > MAX_ITEMS:
            raise InvalidInput(f"a checklist has at most {MAX_ITEMS} items", field="items")
        now = self.clock.now()
        today = (await self.user_days.of(user_id)).today
        goal = Goal(
            id=new_id(),
            user_id=user_id,
            title=check_title(title),
            description=check_description(description),
            horizon=goal_horizon,
            kind=goal_kind,
            target=goal_target,
            progress=0,
            start_date=today,
            due_date=due_date_for(goal_horizon, today, due_date),
            created_at=now,
            updated_at=now,
            items=[
                ChecklistItem(new_id(), check_item_text(text), False, i)
                for i, text in enumerate(items)
            ],
        )
        async with self.uow() as uow:
            if await uow.goals.count(user_id) >= MAX_GOALS:
                raise Conflict(f"an account keeps at most {MAX_GOALS} goals; delete old ones")
            await uow.goals.add(goal)
            await uow.goals.add_event(self._event(goal, "created", None, goal.title, now, today))
            await uow.commit()
        return goal

    async def goal(self, user_id: str, goal_id: str) -> Goal:
        async with self.uow() as uow:
            return await self._get(uow, user_id, goal_id)

    async def goals(
        self, user_id: str, *, status: str = "active", horizon: str | None = None
    ) -> Sequence[Goal]:
        if status not in ("active", "completed", "all"):
            raise InvalidInput("status is active, completed or all", field="status")
        completed = None if status == "all" else status == "completed"
        async with self.uow() as uow:
            return await uow.goals.list(
                user_id,
                completed=completed,
                horizon=_horizon(horizon) if horizon is not None else None,
            )

    async def edit(
        self,
        user_id: str,
        goal_id: str,
        *,
        title: str | None = None,
        description: str | None = None,
        target: int | None = None,
        due_date: date | None = None,
        clear_due_date: bool = False,
    ) -> Goal:
        now = self.clock.now()
        today = (await self.user_days.of(user_id)).today
        async with self.uow() as uow:
            goal = await self._get(uow, user_id, goal_id)
            if title is not None:
                goal.title = check_title(title)
            if description is not None:
                goal.description = check_description(description)
            if target is not None:
                if goal.kind is not Kind.COUNTER:
                    raise InvalidInput("only a counter goal takes a target", field="target")
                goal.target = check_counter_target(target)
            if clear_due_date or due_date is not None:
                if goal.horizon is Horizon.TWO_WEEK:
                    raise InvalidInput("a two-week goal keeps its due date", field="due_date")
                goal.due_date = due_date_for(goal.horizon, goal.start_date, due_date)
            goal.updated_at = now
            await uow.goals.update_details(goal)
            await uow.goals.add_event(self._event(goal, "edited", None, goal.title, now, today))
            if await uow.goals.complete_if_reached(user_id, goal_id, now, today):
                await uow.goals.add_event(self._event(goal, "completed", None, "", now, today))
            await uow.commit()
        return await self.goal(user_id, goal_id)

    async def delete(self, user_id: str, goal_id: str) -> None:
        async with self.uow() as uow:
            if not await uow.goals.delete(user_id, goal_id):
                raise NotFound("no such goal")
            await uow.commit()

    async def update_progress(
        self, user_id: str, goal_id: str, *, value: int | None = None, delta: int | None = None
    ) -> Goal:
        """Set `value` or add `delta` (which may be negative); reaching the target completes
        the goal. Checklists move by checking items instead."""
        if (value is None) == (delta is None):
            raise InvalidInput("send either value or delta", field="value")
        now = self.clock.now()
        today = (await self.user_days.of(user_id)).today
        async with self.uow() as uow:
            goal = await self._get(uow, user_id, goal_id)
            if goal.kind is Kind.CHECKLIST:
                raise InvalidInput("a checklist moves by checking its items", field="value")
            # A counter may overshoot its target (12 of 10 books), but only so far: the stored
            # count stays far from any integer limit however many steps are sent.
            ceiling = 100 if goal.kind is Kind.PERCENTAGE else 10 * goal.target
            if value is not None and not 0 <= value <= ceiling:
                raise InvalidInput(f"value must be between 0 and {ceiling}", field="value")
            if delta is not None and (delta == 0 or abs(delta) > ceiling):
                raise InvalidInput(f"delta is a non-zero step of at most {ceiling}", field="delta")
            progress = await uow.goals.change_progress(
                user_id, goal_id, set_to=value, delta=delta, ceiling=ceiling, now=now
            )
            if progress is None:
                raise NotFound("no such goal")
            detail = f"+{delta}" if delta is not None and delta > 0 else str(delta or "")
            await uow.goals.add_event(self._event(goal, "progress", progress, detail, now, today))
            if await uow.goals.complete_if_reached(user_id, goal_id, now, today):
                await uow.goals.add_event(self._event(goal, "completed", None, "", now, today))
            await uow.commit()
        return await self.goal(user_id, goal_id)

    async def add_item(self, user_id: str, goal_id: str, text: str) -> Goal:
        now = self.clock.now()
        today = (await self.user_days.of(user_id)).today
        async with self.uow() as uow:
            goal = await self._checklist(uow, user_id, goal_id)
            if len(goal.items) >= MAX_ITEMS:
                raise Conflict(f"a checklist has at most {MAX_ITEMS} items")
            position = max((i.position for i in goal.items), default=-1) + 1
            item = ChecklistItem(new_id(), check_item_text(text), False, position)
            await uow.goals.add_item(user_id, goal_id, item)
            await uow.goals.recount_items(goal_id, now)
            await uow.goals.add_event(self._event(goal, "item_added", None, item.text, now, today))
            await uow.commit()
        return await self.goal(user_id, goal_id)

    async def update_item(
        self,
        user_id: str,
        goal_id: str,
        item_id: str,
        *,
        text: str | None = None,
        done: bool | None = None,
    ) -> Goal:
        now = self.clock.now()
        today = (await self.user_days.of(user_id)).today
        async with self.uow() as uow:
            goal = await self._checklist(uow, user_id, goal_id)
            item = next((i for i in goal.items if i.id == item_id), None)
            if item is None:
                raise NotFound("no such checklist item")
            if text is not None:
                item.text = check_item_text(text)
            was_done = item.done
            if done is not None:
                item.done = done
            if not await uow.goals.update_item(goal_id, item):
                raise NotFound("no such checklist item")
            progress, _ = await uow.goals.recount_items(goal_id, now)
            if item.done != was_done:
                kind = "item_checked" if item.done else "item_unchecked"
                await uow.goals.add_event(self._event(goal, kind, progress, item.text, now, today))
            if await uow.goals.complete_if_reached(user_id, goal_id, now, today):
                await uow.goals.add_event(self._event(goal, "completed", None, "", now, today))
            await uow.commit()
        return await self.goal(user_id, goal_id)

    async def remove_item(self, user_id: str, goal_id: str, item_id: str) -> Goal:
        now = self.clock.now()
        today = (await self.user_days.of(user_id)).today
        async with self.uow() as uow:
            goal = await self._checklist(uow, user_id, goal_id)
            item = next((i for i in goal.items if i.id == item_id), None)
            if item is None or not await uow.goals.delete_item(goal_id, item_id):
                raise NotFound("no such checklist item")
            await uow.goals.recount_items(goal_id, now)
            await uow.goals.add_event(
                self._event(goal, "item_removed", None, item.text, now, today)
            )
            if await uow.goals.complete_if_reached(user_id, goal_id, now, today):
                await uow.goals.add_event(self._event(goal, "completed", None, "", now, today))
            await uow.commit()
        return await self.goal(user_id, goal_id)

    async def complete(self, user_id: str, goal_id: str) -> Goal:
        """Mark done whatever the progress says: the user decides a goal is met."""
        return await self._set_completed(user_id, goal_id, complete=True)

    async def reopen(self, user_id: str, goal_id: str) -> Goal:
        return await self._set_completed(user_id, goal_id, complete=False)

    async def _set_completed(self, user_id: str, goal_id: str, *, complete: bool) -> Goal:
        now = self.clock.now()
        today = (await self.user_days.of(user_id)).today
        async with self.uow() as uow:
            goal = await self._get(uow, user_id, goal_id)
            changed = await uow.goals.set_completed(
                user_id, goal_id, now, today if complete else None
            )
            if changed:
                kind = "completed" if complete else "reopened"
                await uow.goals.add_event(self._event(goal, kind, None, "", now, today))
            await uow.commit()
        return await self.goal(user_id, goal_id)

    async def history(self, user_id: str, goal_id: str, limit: int = 100) -> Sequence[GoalEvent]:
        if not 1 <= limit <= MAX_HISTORY:
            raise InvalidInput(f"limit must be between 1 and {MAX_HISTORY}", field="limit")
        async with self.uow() as uow:
            await self._get(uow, user_id, goal_id)
            return await uow.goals.events(user_id, goal_id, limit)

    async def on_day(self, user_id: str, day: date) -> tuple[list[Goal], Sequence[GoalEvent]]:
        """The goals running on `day` (started, not yet completed before it) and what happened
        to goals that day."""
        async with self.uow() as uow:
            goals = await uow.goals.list(user_id, completed=None, horizon=None)
            events = await uow.goals.events_on(user_id, day)
        running = [
            g
            for g in goals
            if g.start_date <= day and (g.completed_on is None or g.completed_on >= day)
        ]
        return running, events

    async def _get(self, uow: GoalsUnitOfWork, user_id: str, goal_id: str) -> Goal:
        goal = await uow.goals.get(user_id, goal_id)
        if goal is None:
            raise NotFound("no such goal")
        return goal

    async def _checklist(self, uow: GoalsUnitOfWork, user_id: str, goal_id: str) -> Goal:
        goal = await self._get(uow, user_id, goal_id)
        if goal.kind is not Kind.CHECKLIST:
            raise InvalidInput("only a checklist goal has items", field="items")
        return goal

    @staticmethod
    def _event(
        goal: Goal, kind: str, value: int | None, detail: str, now: datetime, today: date
    ) -> GoalEvent:
        return GoalEvent(new_id(), goal.id, goal.user_id, kind, value, detail[:200], now, today)


def goal_to_json(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.id,
        "title": goal.title,
        "description": goal.description,
        "horizon": goal.horizon.value,
        "kind": goal.kind.value,
        "target": goal.target,
        "progress": goal.progress,
        "start_date": goal.start_date.isoformat(),
        "due_date": goal.due_date.isoformat() if goal.due_date else None,
        "created_at": goal.created_at.isoformat(),
        "completed_at": goal.completed_at.isoformat() if goal.completed_at else None,
        "items": [{"text": i.text, "done": i.done} for i in goal.items],
    }


@dataclass
class GoalsUserData:
    uow: Callable[[], GoalsUnitOfWork]
    name: str = "goals"

    async def export(self, user_id: str) -> Any:
        async with self.uow() as uow:
            goals = await uow.goals.list(user_id, completed=None, horizon=None)
            events = await uow.goals.all_events(user_id)
        return {
            "goals": [goal_to_json(g) for g in goals],
            "history": [
                {
                    "goal_id": e.goal_id,
                    "kind": e.kind,
                    "value": e.value,
                    "detail": e.detail,
                    "at": e.at.isoformat(),
                }
                for e in events
            ],
        }

    async def erase(self, user_id: str) -> None:
        async with self.uow() as uow:
            await uow.goals.delete_for_user(user_id)
            await uow.commit()
