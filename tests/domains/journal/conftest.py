from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from adapters.security.journal_crypto import AesGcmCipher, Argon2idKdf, SettingsKeyEncryptionKey
from domains.journal.access import CollectionAccess
from domains.journal.collections import CollectionService
from domains.journal.entries import EntryService
from domains.journal.grants import GrantStore
from domains.journal.gratitude import GratitudeService
from domains.journal.keys import Keyring
from domains.journal.user_data import JournalUserData
from domains.shared.days import UserDays
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
    """The journal's services over one fake store, sharing one grant store and limiter as the
    container wires them."""

    store: Store
    clock: FakeClock
    cache: FakeCache
    limiter: CountingLimiter
    zones: FakeTimeZones
    events: RecordingEvents
    keyring: Keyring
    grants: GrantStore
    collections: CollectionService = field(init=False)
    entries: EntryService = field(init=False)
    gratitude: GratitudeService = field(init=False)
    user_data: JournalUserData = field(init=False)

    def __post_init__(self) -> None:
        self.use_keyring(self.keyring)

    def use_keyring(self, keyring: Keyring) -> None:
        """(Re)wires every service with `keyring`, as a restart with new settings would."""
        self.keyring = keyring
        access = CollectionAccess(keyring, self.grants, self.limiter)
        days = UserDays(self.zones, self.clock)
        store = self.store
        self.collections = CollectionService(lambda: FakeUnitOfWork(store), access, self.clock)
        self.entries = EntryService(
            lambda: FakeUnitOfWork(store), access, self.clock, days, self.events
        )
        self.gratitude = GratitudeService(lambda: FakeUnitOfWork(store), keyring, self.clock, days)
        self.user_data = JournalUserData(lambda: FakeUnitOfWork(store), access)


@pytest.fixture
def world() -> World:
    store, clock, zones, events = Store(), FakeClock(), FakeTimeZones(), RecordingEvents()
    cache, limiter, cipher = FakeCache(clock), CountingLimiter(), AesGcmCipher()
    return World(
        store=store,
        clock=clock,
        cache=cache,
        limiter=limiter,
        zones=zones,
        events=events,
        # Small argon2 parameters keep the suite fast; production's are set in the container.
        keyring=Keyring(
            cipher, SettingsKeyEncryptionKey(KEK), Argon2idKdf(memory_kib=1024, time_cost=1)
        ),
        grants=GrantStore(cache, cipher, ttl_seconds=300),
    )


def delta(text: str) -> dict[str, object]:
    return {"ops": [{"insert": text + "\n"}]}
