"""In-memory fakes of mood's ports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from domains.mood.model import DayMood, MoodEntry
from tests.support.fakes import AutoCommitUnitOfWork
from tests.support.fakes import FakeClock as SharedFakeClock
from tests.support.fakes import FakeEvents as FakeEvents
from tests.support.fakes import FakeZones as FakeZones


class FakeClock(SharedFakeClock):
    start = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


class FakeEntries:
    def __init__(self, rows: dict[str, MoodEntry]) -> None:
        self.rows = rows

    async def add(self, entry: MoodEntry) -> None:
        self.rows[entry.id] = replace(entry)

    async def get(self, user_id: str, entry_id: str) -> MoodEntry | None:
        found = self.rows.get(entry_id)
        return replace(found) if found and found.user_id == user_id else None

    async def update(self, entry: MoodEntry) -> None:
        self.rows[entry.id] = replace(entry)

    async def delete(self, user_id: str, entry_id: str) -> bool:
        if await self.get(user_id, entry_id) is None:
            return False
        del self.rows[entry_id]
        return True

    async def list(self, user_id: str, start: date, end: date) -> Sequence[MoodEntry]:
        return [e for e in await self.list_all(user_id) if start <= e.local_date <= end]

    async def list_all(self, user_id: str) -> Sequence[MoodEntry]:
        mine = [replace(e) for e in self.rows.values() if e.user_id == user_id]
        return sorted(mine, key=lambda e: e.recorded_at)

    async def per_day(self, user_id: str, start: date, end: date) -> Sequence[DayMood]:
        days: dict[date, list[MoodEntry]] = defaultdict(list)
        for e in await self.list(user_id, start, end):
            days[e.local_date].append(e)

        def avg(values: list[int]) -> float:
            return round(sum(values) / len(values), 2)

        return [
            DayMood(
                d,
                len(es),
                avg([e.happiness for e in es]),
                avg([e.focus for e in es]),
                avg([e.stress for e in es]),
            )
            for d, es in sorted(days.items())
        ]

    async def delete_for_user(self, user_id: str) -> None:
        for key in [k for k, e in self.rows.items() if e.user_id == user_id]:
            del self.rows[key]


class FakeMoodUnitOfWork(AutoCommitUnitOfWork):
    def __init__(self, rows: dict[str, MoodEntry]) -> None:
        self.entries = FakeEntries(rows)
