from __future__ import annotations

from dataclasses import dataclass

import pytest

from adapters.security.journal_crypto import AesGcmCipher, Argon2idKdf, SettingsKeyEncryptionKey
from domains.journal.grants import GrantStore
from domains.journal.keys import Keyring
from domains.journal.use_cases import JournalService
from tests.domains.journal.fakes import (
    CountingLimiter,
    FakeCache,
    FakeClock,
    FakeTimeZones,
    FakeUnitOfWork,
    RecordingEvents,
    Store,
)

ALICE = "11111111-1111-4111-8111-111111111111"
BOB = "22222222-2222-4222-8222-222222222222"
KEK = bytes(range(32))


@dataclass
class World:
    service: JournalService
    store: Store
    clock: FakeClock
    cache: FakeCache
    limiter: CountingLimiter
    zones: FakeTimeZones
    events: RecordingEvents


@pytest.fixture
def world() -> World:
    store, clock, zones, events = Store(), FakeClock(), FakeTimeZones(), RecordingEvents()
    cache, limiter, cipher = FakeCache(clock), CountingLimiter(), AesGcmCipher()
    service = JournalService(
        uow=lambda: FakeUnitOfWork(store),
        # Small argon2 parameters keep the suite fast; production's are set in the container.
        keyring=Keyring(
            cipher, SettingsKeyEncryptionKey(KEK), Argon2idKdf(memory_kib=1024, time_cost=1)
        ),
        grants=GrantStore(cache, cipher, ttl_seconds=300),
        limiter=limiter,
        clock=clock,
        time_zones=zones,
        events=events,
    )
    return World(service, store, clock, cache, limiter, zones, events)


def delta(text: str) -> dict[str, object]:
    return {"ops": [{"insert": text + "\n"}]}
