from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from domains.habits.model import Habit, Schedule
from domains.habits.use_cases import HabitsService
from domains.shared.days import UserDays
from tests.domains.habits.fakes import FakeUnitOfWork, Store
from tests.domains.pomodoro.fakes import FakeClock, FakeTimeZones, RecordingEvents

ALICE = "8f0c1a56-0000-4000-8000-00000000a11c"
BOB = "8f0c1a56-0000-4000-8000-000000000b0b"


def at(zone: str, *args: int) -> datetime:
    """A local wall-clock time in `zone`, e.g. at("Asia/Tokyo", 2026, 5, 1, 23, 59)."""
    return datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


@dataclass
class World:
    service: HabitsService
    store: Store
    clock: FakeClock
    zones: FakeTimeZones
    events: RecordingEvents

    def lives_in(self, zone: str) -> None:
        self.zones.zones[ALICE] = zone

    async def habit(self, name: str = "Read", schedule: Schedule | None = None) -> Habit:
        return await self.service.create(ALICE, name, schedule or Schedule.daily())

    async def done(self, habit: Habit, *days: date) -> None:
        for day in days:
            await self.service.mark(ALICE, habit.id, day, True)


@pytest.fixture
def world() -> World:
    store, clock, zones, events = Store(), FakeClock(), FakeTimeZones(), RecordingEvents()
    service = HabitsService(
        uow=lambda: FakeUnitOfWork(store),
        user_days=UserDays(zones, clock),
        clock=clock,
        events=events,
    )
    return World(service, store, clock, zones, events)
