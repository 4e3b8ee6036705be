"""App-streak use cases. `record` is the handler of ProductiveAction events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domains.shared.days import UserDays, check_range
from domains.shared.events import ProductiveAction
from domains.streaks.model import AppStreak, extend, streak_on, summarise
from domains.streaks.ports import StreakUnitOfWork


@dataclass
class StreakService:
    uow: Callable[[], StreakUnitOfWork]
    user_days: UserDays

    async def record(self, event: ProductiveAction) -> None:
        """Counts the action on the user's local day it happened on (the event says which: the
        publisher knows the user's day, so the streak reads no zone)."""
        day = event.day
        async with self.uow() as uow:
            if await uow.streaks.add_action(event.user_id, day):
                await uow.streaks.lock(event.user_id)
                record = extend(await uow.streaks.get(event.user_id), event.user_id, day)
                if record is None:
                    record = summarise(event.user_id, await uow.streaks.days(event.user_id))
                await uow.streaks.save(record)
            await uow.commit()

    async def streak(self, user_id: str) -> AppStreak:
        today = (await self.user_days.of(user_id)).today
        async with self.uow() as uow:
            record = await uow.streaks.get(user_id)
        return streak_on(record, today)

    async def active_days(self, user_id: str, start: date, end: date) -> Sequence[tuple[date, int]]:
        check_range(start, end, (await self.user_days.of(user_id)).today)
        async with self.uow() as uow:
            return await uow.streaks.actions_between(user_id, start, end)


@dataclass
class StreakUserData:
    uow: Callable[[], StreakUnitOfWork]
    name: str = "app_streak"

    async def export(self, user_id: str) -> Any:
        async with self.uow() as uow:
            record = await uow.streaks.get(user_id)
            days = await uow.streaks.actions_between(user_id, date.min, date.max)
        return {
            "longest": record.longest if record else 0,
            "active_days": [{"date": d.isoformat(), "actions": n} for d, n in days],
        }

    async def erase(self, user_id: str) -> None:
        async with self.uow() as uow:
            await uow.streaks.delete_for_user(user_id)
            await uow.commit()
