from __future__ import annotations

from dataclasses import dataclass

import pytest

from domains.pomodoro.use_cases import PomodoroService
from domains.shared.days import UserDays
from tests.domains.pomodoro.fakes import (
    FakeClock,
    FakeTimeZones,
    FakeUnitOfWork,
    RecordingEvents,
    Store,
)

ALICE = "8f0c1a56-0000-4000-8000-00000000a11c"
BOB = "8f0c1a56-0000-4000-8000-000000000b0b"


@dataclass
class World:
    service: PomodoroService
    store: Store
    clock: FakeClock
    zones: FakeTimeZones
    events: RecordingEvents


@pytest.fixture
def world() -> World:
    store, clock, zones, events = Store(), FakeClock(), FakeTimeZones(), RecordingEvents()
    service = PomodoroService(
        uow=lambda: FakeUnitOfWork(store),
        user_days=UserDays(zones, clock),
        clock=clock,
        events=events,
    )
    return World(service, store, clock, zones, events)
