from __future__ import annotations

from dataclasses import dataclass

import pytest

from adapters.scheduling.fsrs_scheduler import FsrsScheduler
from domains.study.use_cases import StudyService
from tests.domains.journal.fakes import FakeClock, FakeTimeZones, RecordingEvents
from tests.domains.study.fakes import FakeUnitOfWork, Store

ALICE = "11111111-1111-4111-8111-111111111111"
BOB = "22222222-2222-4222-8222-222222222222"


@dataclass
class World:
    service: StudyService
    store: Store
    clock: FakeClock
    zones: FakeTimeZones
    events: RecordingEvents


@pytest.fixture
def world() -> World:
    store, clock, zones, events = Store(), FakeClock(), FakeTimeZones(), RecordingEvents()
    service = StudyService(
        uow=lambda: FakeUnitOfWork(store),
        # The real FSRS, without fuzzing, so intervals are exact on the fake clock.
        scheduler=FsrsScheduler(fuzzing=False),
        clock=clock,
        time_zones=zones,
        events=events,
    )
    return World(service, store, clock, zones, events)
