from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables.goals import goal_events, goal_items, goals
from adapters.sql.unit_of_work import SqlUnitOfWork
from domains.goals.model import ChecklistItem, Goal, GoalEvent, Horizon, Kind

_ITEM_COLUMNS = (goal_items.c.id, goal_items.c.text, goal_items.c.done, goal_items.c.position)
# Events of one change share its instant; this keeps "created" first and "completed" last.
_STEP = case({"created": 0, "completed": 2, "reopened": 2}, value=goal_events.c.kind, else_=1)


def _goal(row: Any, items: list[ChecklistItem]) -> Goal:
    values = dict(row)
    values["horizon"] = Horizon(values["horizon"])
    values["kind"] = Kind(values["kind"])
    return Goal(**values, items=items)


class SqlAlchemyGoalRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, goal: Goal) -> None:
        await self._c.execute(
            insert(goals).values(
                id=goal.id,
                user_id=goal.user_id,
                title=goal.title,
                description=goal.description,
                horizon=goal.horizon.value,
                kind=goal.kind.value,
                target=goal.target,
                progress=goal.progress,
                start_date=goal.start_date,
                due_date=goal.due_date,
                created_at=goal.created_at,
                updated_at=goal.updated_at,
                completed_at=goal.completed_at,
                completed_on=goal.completed_on,
            )
        )
        for item in goal.items:
            await self._insert_item(goal.id, item)

    async def _insert_item(self, goal_id: str, item: ChecklistItem) -> None:
        await self._c.execute(
            insert(goal_items).values(
                id=item.id, goal_id=goal_id, text=item.text, done=item.done, position=item.position
            )
        )

    async def _items(self, goal_ids: Sequence[str]) -> dict[str, list[ChecklistItem]]:
        found: dict[str, list[ChecklistItem]] = {goal_id: [] for goal_id in goal_ids}
        if not goal_ids:
            return found
        rows = await self._c.execute(
            select(goal_items.c.goal_id, *_ITEM_COLUMNS)
            .where(goal_items.c.goal_id.in_(goal_ids))
            .order_by(goal_items.c.position, goal_items.c.id)
        )
        for goal_id, item_id, text, done, position in rows:
            found[goal_id].append(ChecklistItem(item_id, text, bool(done), position))
        return found

    async def get(self, user_id: str, goal_id: str) -> Goal | None:
        row = (
            (
                await self._c.execute(
                    select(goals).where(goals.c.id == goal_id, goals.c.user_id == user_id)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return _goal(row, (await self._items([goal_id]))[goal_id])

    async def list(
        self, user_id: str, *, completed: bool | None, horizon: Horizon | None
    ) -> Sequence[Goal]:
        where = [goals.c.user_id == user_id]
        if completed is True:
            where.append(goals.c.completed_at.is_not(None))
        elif completed is False:
            where.append(goals.c.completed_at.is_(None))
        if horizon is not None:
            where.append(goals.c.horizon == horizon.value)
        rows = list(
            (
                await self._c.execute(
                    select(goals).where(*where).order_by(goals.c.created_at.desc(), goals.c.id)
                )
            ).mappings()
        )
        items = await self._items([row["id"] for row in rows])
        return [_goal(row, items[row["id"]]) for row in rows]

    async def count(self, user_id: str) -> int:
        result = await self._c.execute(
            select(func.count()).select_from(goals).where(goals.c.user_id == user_id)
        )
        return int(result.scalar_one())

    async def update_details(self, goal: Goal) -> None:
        await self._c.execute(
            update(goals)
            .where(goals.c.id == goal.id, goals.c.user_id == goal.user_id)
            .values(
                title=goal.title,
                description=goal.description,
                due_date=goal.due_date,
                target=goal.target,
                updated_at=goal.updated_at,
            )
        )

    async def delete(self, user_id: str, goal_id: str) -> bool:
        result = await self._c.execute(
            delete(goals).where(goals.c.id == goal_id, goals.c.user_id == user_id)
        )
        return result.rowcount == 1

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
        # One UPDATE computes the new value from the stored one, so concurrent deltas queue on
        # the row lock and none is lost; the CASE keeps the value within 0..ceiling.
        raw: Any = goals.c.progress + delta if delta is not None else set_to
        bounded = case((raw < 0, 0), else_=raw)
        if ceiling is not None:
            bounded = case((raw < 0, 0), (raw > ceiling, ceiling), else_=raw)
        result = await self._c.execute(
            update(goals)
            .where(goals.c.id == goal_id, goals.c.user_id == user_id)
            .values(progress=bounded, updated_at=now)
            .returning(goals.c.progress)
        )
        value = result.scalar_one_or_none()
        return None if value is None else int(value)

    async def complete_if_reached(
        self, user_id: str, goal_id: str, now: datetime, on: date
    ) -> bool:
        result = await self._c.execute(
            update(goals)
            .where(
                goals.c.id == goal_id,
                goals.c.user_id == user_id,
                goals.c.completed_at.is_(None),
                goals.c.target > 0,
                goals.c.progress >= goals.c.target,
            )
            .values(completed_at=now, completed_on=on, updated_at=now)
        )
        return result.rowcount == 1

    async def set_completed(
        self, user_id: str, goal_id: str, now: datetime, on: date | None
    ) -> bool:
        was = (
            goals.c.completed_at.is_(None) if on is not None else goals.c.completed_at.is_not(None)
        )
        result = await self._c.execute(
            update(goals)
            .where(goals.c.id == goal_id, goals.c.user_id == user_id, was)
            .values(completed_at=now if on is not None else None, completed_on=on, updated_at=now)
        )
        return result.rowcount == 1

    async def add_item(self, user_id: str, goal_id: str, item: ChecklistItem) -> None:
        await self._insert_item(goal_id, item)

    async def update_item(self, goal_id: str, item: ChecklistItem) -> bool:
        result = await self._c.execute(
            update(goal_items)
            .where(goal_items.c.id == item.id, goal_items.c.goal_id == goal_id)
            .values(text=item.text, done=item.done)
        )
        return result.rowcount == 1

    async def delete_item(self, goal_id: str, item_id: str) -> bool:
        result = await self._c.execute(
            delete(goal_items).where(goal_items.c.id == item_id, goal_items.c.goal_id == goal_id)
        )
        return result.rowcount == 1

    async def recount_items(self, goal_id: str, now: datetime) -> tuple[int, int]:
        # Lock the goal first: the count below then runs on a snapshot taken after every
        # concurrent item change that got the lock before us has committed (PostgreSQL reads
        # a scalar subquery once, at the start of its statement).
        await self._c.execute(select(goals.c.id).where(goals.c.id == goal_id).with_for_update())
        done = (
            select(func.count())
            .select_from(goal_items)
            .where(goal_items.c.goal_id == goal_id, goal_items.c.done.is_(True))
            .scalar_subquery()
        )
        total = (
            select(func.count())
            .select_from(goal_items)
            .where(goal_items.c.goal_id == goal_id)
            .scalar_subquery()
        )
        result = await self._c.execute(
            update(goals)
            .where(goals.c.id == goal_id)
            .values(progress=done, target=total, updated_at=now)
            .returning(goals.c.progress, goals.c.target)
        )
        progress, target = result.one()
        return int(progress), int(target)

    async def add_event(self, event: GoalEvent) -> None:
        await self._c.execute(
            insert(goal_events).values(
                id=event.id,
                goal_id=event.goal_id,
                user_id=event.user_id,
                kind=event.kind,
                value=event.value,
                detail=event.detail,
                at=event.at,
                local_date=event.local_date,
            )
        )

    async def events(self, user_id: str, goal_id: str, limit: int) -> Sequence[GoalEvent]:
        rows = await self._c.execute(
            select(goal_events)
            .where(goal_events.c.goal_id == goal_id, goal_events.c.user_id == user_id)
            .order_by(goal_events.c.at.desc(), _STEP.desc(), goal_events.c.id)
            .limit(limit)
        )
        return [GoalEvent(**row) for row in rows.mappings()]

    async def events_on(self, user_id: str, day: date) -> Sequence[GoalEvent]:
        rows = await self._c.execute(
            select(goal_events)
            .where(goal_events.c.user_id == user_id, goal_events.c.local_date == day)
            .order_by(goal_events.c.at, _STEP, goal_events.c.id)
        )
        return [GoalEvent(**row) for row in rows.mappings()]

    async def all_events(self, user_id: str) -> Sequence[GoalEvent]:
        rows = await self._c.execute(
            select(goal_events)
            .where(goal_events.c.user_id == user_id)
            .order_by(goal_events.c.at, _STEP, goal_events.c.id)
        )
        return [GoalEvent(**row) for row in rows.mappings()]

    async def delete_for_user(self, user_id: str) -> None:
        # Items and events go with their goals (ON DELETE CASCADE).
        await self._c.execute(delete(goal_events).where(goal_events.c.user_id == user_id))
        await self._c.execute(delete(goals).where(goals.c.user_id == user_id))


class SqlAlchemyGoalsUnitOfWork(SqlUnitOfWork):
    goals: SqlAlchemyGoalRepository

    def _bind(self, connection: AsyncConnection) -> None:
        self.goals = SqlAlchemyGoalRepository(connection)
