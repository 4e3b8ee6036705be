"""Mood use cases: record how the day feels, correct it, and see it averaged per local day."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domains.mood.model import (
    DayMood,
    MoodEntry,
    check_note,
    check_score,
)
from domains.mood.ports import MoodUnitOfWork
from domains.shared.clock import Clock
from domains.shared.days import UserDays, check_range
from domains.shared.errors import NotFound
from domains.shared.events import EventPublisher, ProductiveAction
from domains.shared.ids import new_id


@dataclass
class MoodService:
    uow: Callable[[], MoodUnitOfWork]
    user_days: UserDays
    clock: Clock
    events: EventPublisher

    async def record(
        self, user_id: str, *, happiness: int, focus: int, stress: int, note: str = ""
    ) -> MoodEntry:
        now = self.clock.now()
        user_day = await self.user_days.of(user_id)
        entry = MoodEntry(
            id=new_id(),
            user_id=user_id,
            happiness=check_score(happiness, "happiness"),
            focus=check_score(focus, "focus"),
            stress=check_score(stress, "stress"),
            note=check_note(note),
            recorded_at=now,
            local_date=user_day.date_of(now),
        )
        async with self.uow() as uow:
            await uow.entries.add(entry)
            await self.events.publish(
                ProductiveAction(user_id, "mood_entry", now, entry.local_date)
            )
            await uow.commit()
        return entry

    async def entry(self, user_id: str, entry_id: str) -> MoodEntry:
        async with self.uow() as uow:
            found = await uow.entries.get(user_id, entry_id)
        if found is None:
            raise NotFound("no such mood entry")
        return found

    async def correct(
        self,
        user_id: str,
        entry_id: str,
        *,
        happiness: int | None = None,
        focus: int | None = None,
        stress: int | None = None,
        note: str | None = None,
    ) -> MoodEntry:
        """Change the scores or note; the entry keeps the day it was recorded on."""
        async with self.uow() as uow:
            entry = await uow.entries.get(user_id, entry_id)
            if entry is None:
                raise NotFound("no such mood entry")
            if happiness is not None:
                entry.happiness = check_score(happiness, "happiness")
            if focus is not None:
                entry.focus = check_score(focus, "focus")
            if stress is not None:
                entry.stress = check_score(stress, "stress")
            if note is not None:
                entry.note = check_note(note)
            await uow.entries.update(entry)
            await uow.commit()
        return entry

    async def delete(self, user_id: str, entry_id: str) -> None:
        async with self.uow() as uow:
            if not await uow.entries.delete(user_id, entry_id):
                raise NotFound("no such mood entry")
            await uow.commit()

    async def entries(
        self, user_id: str, start: date | None = None, end: date | None = None
    ) -> Sequence[MoodEntry]:
        """Today's entries when no range is given."""
        start, end = await self._range(user_id, start, end)
        async with self.uow() as uow:
            return await uow.entries.list(user_id, start, end)

    async def days(
        self, user_id: str, start: date | None = None, end: date | None = None
    ) -> Sequence[DayMood]:
        start, end = await self._range(user_id, start, end)
        async with self.uow() as uow:
            return await uow.entries.per_day(user_id, start, end)

    async def _range(self, user_id: str, start: date | None, end: date | None) -> tuple[date, date]:
        today = (await self.user_days.of(user_id)).today
        start = start or end or today
        end = end or start
        check_range(start, end, today)
        return start, end


@dataclass
class MoodUserData:
    uow: Callable[[], MoodUnitOfWork]
    name: str = "mood"

    async def export(self, user_id: str) -> Any:
        async with self.uow() as uow:
            entries = await uow.entries.list_all(user_id)
        return {
            "entries": [
                {
                    "id": e.id,
                    "happiness": e.happiness,
                    "focus": e.focus,
                    "stress": e.stress,
                    "note": e.note,
                    "recorded_at": e.recorded_at.isoformat(),
                    "local_date": e.local_date.isoformat(),
                }
                for e in entries
            ]
        }

    async def erase(self, user_id: str) -> None:
        async with self.uow() as uow:
            await uow.entries.delete_for_user(user_id)
            await uow.commit()
