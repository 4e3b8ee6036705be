from __future__ import annotations

from dataclasses import dataclass

import pytest

from adapters.scheduling.fsrs_scheduler import FsrsScheduler
from domains.shared.days import UserDays
from domains.study.cards import CardService
from domains.study.decks import DeckService
from domains.study.reviews import ReviewService
from domains.study.user_data import StudyUserData
from tests.domains.journal.fakes import FakeClock, FakeTimeZones, RecordingEvents
from tests.domains.study.fakes import FakeUnitOfWork, Store

ALICE = "11111111-1111-4111-8111-111111111111"
BOB = "22222222-2222-4222-8222-222222222222"


@dataclass
class World:
    decks: DeckService
    cards: CardService
    reviews: ReviewService
    user_data: StudyUserData
    store: Store
    clock: FakeClock
    zones: FakeTimeZones
    events: RecordingEvents


@pytest.fixture
def world() -> World:
    store, clock, zones, events = Store(), FakeClock(), FakeTimeZones(), RecordingEvents()
    return World(
        decks=DeckService(uow=lambda: FakeUnitOfWork(store), clock=clock),
        cards=CardService(uow=lambda: FakeUnitOfWork(store), clock=clock),
        reviews=ReviewService(
            uow=lambda: FakeUnitOfWork(store),
            # The real FSRS, without fuzzing, so intervals are exact on the fake clock.
            scheduler=FsrsScheduler(fuzzing=False),
            clock=clock,
            user_days=UserDays(zones, clock),
            events=events,
        ),
        user_data=StudyUserData(uow=lambda: FakeUnitOfWork(store)),
        store=store,
        clock=clock,
        zones=zones,
        events=events,
    )
