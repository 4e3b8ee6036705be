"""In-memory fakes of the app streak's ports, and a clock and time-zone book to drive them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from domains.streaks.model import StreakRecord
from tests.support.fakes import AutoCommitUnitOfWork
from tests.support.fakes import FakeClock as FakeClock
from tests.support.fakes import FakeZones as FakeZones


@dataclass
class Store:
    actions: dict[tuple[str, date], int] = field(default_factory=dict)
    records: dict[str, StreakRecord] = field(default_factory=dict)


class FakeStreaks:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add_action(self, user_id: str, day: date) -> bool:
        key = (user_id, day)
        self.s.actions[key] = self.s.actions.get(key, 0) + 1
        return self.s.actions[key] == 1

    async def lock(self, user_id: str) -> None:
        self.s.records.setdefault(user_id, StreakRecord(user_id))

    async def get(self, user_id: str) -> StreakRecord | None:
        record = self.s.records.get(user_id)
        return replace(record) if record else None

    async def save(self, record: StreakRecord) -> None:
        self.s.records[record.user_id] = replace(record)

    async def days(self, user_id: str) -> Sequence[date]:
        return [d for (u, d) in self.s.actions if u == user_id]

    async def actions_between(
        self, user_id: str, start: date, end: date
    ) -> Sequence[tuple[date, int]]:
        actions = self.s.actions.items()
        return sorted((d, n) for (u, d), n in actions if u == user_id and start <= d <= end)

    async def delete_for_user(self, user_id: str) -> None:
        self.s.actions = {k: v for k, v in self.s.actions.items() if k[0] != user_id}
        self.s.records.pop(user_id, None)


class FakeStreakUnitOfWork(AutoCommitUnitOfWork):
    def __init__(self, store: Store) -> None:
        self.streaks = FakeStreaks(store)
