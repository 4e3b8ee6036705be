"""Hand-written fakes of the journal's storage, cache, limiter, clock and time-zone ports.
The cryptography is real (AES-256-GCM, argon2id with small parameters): that is what is
under test."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domains.journal.errors import CollectionNameTaken
from domains.journal.model import Collection, SealedEntry, SealedGratitude
from domains.shared.events import ProductiveAction
from domains.shared.rate_limit import Decision, Rate
from tests.support.fakes import AutoCommitUnitOfWork, FakeClock


@dataclass
class Store:
    collections: dict[str, Collection] = field(default_factory=dict)
    entries: dict[str, SealedEntry] = field(default_factory=dict)
    gratitude: dict[str, SealedGratitude] = field(default_factory=dict)
    #: Mood entries' ids and their owners: what journal entries may link to.
    mood_entries: dict[str, str] = field(default_factory=dict)


class FakeCollections:
    def __init__(self, store: Store) -> None:
        self.s = store

    def _taken(self, c: Collection) -> bool:
        return any(
            o.user_id == c.user_id and o.name == c.name and o.id != c.id
            for o in self.s.collections.values()
        )

    async def add(self, collection: Collection) -> None:
        if self._taken(collection):
            raise CollectionNameTaken()
        self.s.collections[collection.id] = copy.deepcopy(collection)

    async def get(self, user_id: str, collection_id: str) -> Collection | None:
        c = self.s.collections.get(collection_id)
        return copy.deepcopy(c) if c and c.user_id == user_id else None

    async def list_for_user(self, user_id: str) -> Sequence[Collection]:
        mine = [c for c in self.s.collections.values() if c.user_id == user_id]
        return [copy.deepcopy(c) for c in sorted(mine, key=lambda c: c.name)]

    async def update(self, collection: Collection) -> None:
        if self._taken(collection):
            raise CollectionNameTaken()
        self.s.collections[collection.id] = copy.deepcopy(collection)

    async def delete(self, user_id: str, collection_id: str) -> None:
        self.s.collections.pop(collection_id, None)
        for e in [e for e in self.s.entries.values() if e.collection_id == collection_id]:
            del self.s.entries[e.id]

    async def delete_for_user(self, user_id: str) -> None:
        for c in [c for c in self.s.collections.values() if c.user_id == user_id]:
            await self.delete(user_id, c.id)


class FakeEntries:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, entry: SealedEntry) -> None:
        self.s.entries[entry.id] = copy.deepcopy(entry)

    async def mood_entry_is_theirs(self, user_id: str, mood_entry_id: str) -> bool:
        return self.s.mood_entries.get(mood_entry_id) == user_id

    async def get(self, user_id: str, entry_id: str) -> SealedEntry | None:
        e = self.s.entries.get(entry_id)
        return copy.deepcopy(e) if e and e.user_id == user_id else None

    async def list(
        self,
        user_id: str,
        collection_ids: Sequence[str],
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[SealedEntry]:
        mine = [
            e
            for e in self.s.entries.values()
            if e.user_id == user_id and e.collection_id in collection_ids
        ]
        mine.sort(key=lambda e: e.created_at, reverse=True)
        end = None if limit is None else offset + limit
        return [copy.deepcopy(e) for e in mine[offset:end]]

    async def count(self, user_id: str, collection_ids: Sequence[str]) -> int:
        return len(await self.list(user_id, collection_ids))

    async def update(self, entry: SealedEntry) -> None:
        self.s.entries[entry.id] = copy.deepcopy(entry)

    async def delete(self, user_id: str, entry_id: str) -> None:
        self.s.entries.pop(entry_id, None)

    async def writing_days(
        self, user_id: str, collection_ids: Sequence[str]
    ) -> Sequence[tuple[date, int]]:
        return [
            (e.written_on, e.word_count)
            for e in self.s.entries.values()
            if e.user_id == user_id and e.collection_id in collection_ids
        ]

    async def delete_for_user(self, user_id: str) -> None:
        for e in [e for e in self.s.entries.values() if e.user_id == user_id]:
            del self.s.entries[e.id]


class FakeGratitude:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, item: SealedGratitude) -> None:
        self.s.gratitude[item.id] = copy.deepcopy(item)

    async def list(
        self, user_id: str, *, limit: int | None = None, offset: int = 0
    ) -> Sequence[SealedGratitude]:
        mine = sorted(
            (g for g in self.s.gratitude.values() if g.user_id == user_id),
            key=lambda g: (g.on_date, g.created_at),
            reverse=True,
        )
        end = None if limit is None else offset + limit
        return mine[offset:end]

    async def count(self, user_id: str) -> int:
        return len(await self.list(user_id))

    async def delete(self, user_id: str, gratitude_id: str) -> bool:
        g = self.s.gratitude.get(gratitude_id)
        if g is None or g.user_id != user_id:
            return False
        del self.s.gratitude[gratitude_id]
        return True

    async def delete_for_user(self, user_id: str) -> None:
        for g in [g for g in self.s.gratitude.values() if g.user_id == user_id]:
            del self.s.gratitude[g.id]


class FakeUnitOfWork(AutoCommitUnitOfWork):
    def __init__(self, store: Store) -> None:
        self.collections = FakeCollections(store)
        self.entries = FakeEntries(store)
        self.gratitude = FakeGratitude(store)


class FakeCache:
    """Expires on the fake clock, so grant lifetimes are tested without sleeping."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.items: dict[str, tuple[bytes, datetime]] = {}

    async def get(self, key: str) -> bytes | None:
        item = self.items.get(key)
        if item is None or item[1] <= self.clock.now():
            return None
        return item[0]

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self.items[key] = (value, self.clock.now() + timedelta(seconds=ttl_seconds))

    async def delete(self, key: str) -> None:
        self.items.pop(key, None)


class CountingLimiter:
    """Allows `rate.limit` hits per key, then refuses; never refills (tests are short)."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}

    async def hit(self, key: str, rate: Rate, cost: int = 1) -> Decision:
        self.hits[key] = self.hits.get(key, 0) + cost
        allowed = self.hits[key] <= rate.limit
        return Decision(allowed, max(0, rate.limit - self.hits[key]), 0 if allowed else 60, 60)

    async def peek(self, key: str, rate: Rate) -> Decision:
        used = self.hits.get(key, 0)
        return Decision(used < rate.limit, max(0, rate.limit - used), 0, 60)


class FakeTimeZones:
    def __init__(self) -> None:
        self.zones: dict[str, str] = {}

    async def zone_of(self, user_id: str) -> str:
        return self.zones.get(user_id, "UTC")


class RecordingEvents:
    def __init__(self) -> None:
        self.published: list[ProductiveAction] = []

    async def publish(self, event: ProductiveAction) -> None:
        self.published.append(event)
