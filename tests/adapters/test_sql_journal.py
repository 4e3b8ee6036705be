"""The journal repositories on SQLite and PostgreSQL, driven through the services with the real
cryptography: what lands in the database is ciphertext only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.cache import StoreCache
from adapters.memory.stores import InMemoryRateLimiter
from adapters.security.journal_crypto import AesGcmCipher, Argon2idKdf, SettingsKeyEncryptionKey
from adapters.sql.identity import SqlAlchemyIdentityUnitOfWork
from adapters.sql.journal import SqlAlchemyJournalUnitOfWork
from adapters.sql.tables.journal import journal_collections, journal_entries, journal_gratitude
from adapters.sql.user_time_zones import SqlAlchemyUserTimeZones
from domains.identity.model import User
from domains.journal.access import CollectionAccess
from domains.journal.collections import CollectionService
from domains.journal.entries import EntryService
from domains.journal.errors import CollectionLocked, CollectionNameTaken, EntryNotFound
from domains.journal.grants import GrantStore
from domains.journal.gratitude import GratitudeService
from domains.journal.keys import Keyring
from domains.journal.model import EntryChanges, EntryDraft
from domains.journal.user_data import JournalUserData
from domains.shared.days import UserDays
from tests.domains.journal.fakes import FakeClock

SECRET = "I buried the letter under the oak"


async def _user(engine: AsyncEngine, zone: str = "UTC") -> str:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    user = User(str(uuid.uuid4()), f"{uuid.uuid4().hex[:10]}@example.com", "Ada", zone, now, now)
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.commit()
    return user.id


@dataclass(frozen=True)
class Journal:
    collections: CollectionService
    entries: EntryService
    gratitude: GratitudeService
    user_data: JournalUserData


def _journal(engine: AsyncEngine, clock: FakeClock | None = None) -> Journal:
    cipher, clock = AesGcmCipher(), clock or FakeClock()
    keyring = Keyring(
        cipher, SettingsKeyEncryptionKey(bytes(32)), Argon2idKdf(memory_kib=1024, time_cost=1)
    )
    access = CollectionAccess(
        keyring, GrantStore(StoreCache.memory(), cipher), InMemoryRateLimiter()
    )
    days = UserDays(SqlAlchemyUserTimeZones(engine), clock)
    return Journal(
        collections=CollectionService(lambda: SqlAlchemyJournalUnitOfWork(engine), access, clock),
        entries=EntryService(lambda: SqlAlchemyJournalUnitOfWork(engine), access, clock, days),
        gratitude=GratitudeService(
            lambda: SqlAlchemyJournalUnitOfWork(engine), keyring, clock, days
        ),
        user_data=JournalUserData(lambda: SqlAlchemyJournalUnitOfWork(engine), access),
    )


def _delta(text: str) -> dict[str, object]:
    return {"ops": [{"insert": text + "\n"}]}


async def test_the_database_row_holds_no_plaintext(engine: AsyncEngine) -> None:
    user = await _user(engine)
    journal = _journal(engine)
    c = await journal.collections.create_collection(user, "Secrets")
    entry = await journal.entries.create_entry(
        user, c.id, EntryDraft("Oak tree", _delta(SECRET), ["letters"])
    )
    await journal.gratitude.add_gratitude(user, "the quiet morning")
    async with engine.connect() as connection:
        rows = [
            *(await connection.execute(select(journal_entries))).all(),
            *(await connection.execute(select(journal_gratitude))).all(),
            *(await connection.execute(select(journal_collections))).all(),
        ]
    stored = b"".join(
        value if isinstance(value, bytes) else str(value).encode() for row in rows for value in row
    )
    for plaintext in (b"Oak tree", b"buried", b"letters", b"quiet morning"):
        assert plaintext not in stored
    assert (await journal.entries.get_entry(user, entry.id)).plain_text() == SECRET + "\n"


async def test_entries_round_trip_and_protected_ones_are_not_counted(engine: AsyncEngine) -> None:
    user = await _user(engine)
    journal = _journal(engine)
    diary = await journal.collections.create_collection(user, "Diary")
    vault = await journal.collections.create_collection(user, "Vault", password="open sesame")
    grant = (await journal.collections.unlock(user, vault.id, "open sesame")).token
    for i in range(3):
        await journal.entries.create_entry(user, diary.id, EntryDraft(f"Day {i}", _delta("open")))
    await journal.entries.create_entry(
        user, vault.id, EntryDraft("Hidden", _delta(SECRET)), [grant]
    )
    page, total = await journal.entries.list_entries(user, limit=2)
    assert total == 3 and len(page) == 2
    assert (await journal.entries.list_entries(user, [grant]))[1] == 4
    assert (await journal.entries.search(user, "oak"))[1] == 0
    assert (await journal.entries.search(user, "oak", [grant]))[1] == 1


async def test_a_password_change_persists_and_keeps_entries_readable(engine: AsyncEngine) -> None:
    user = await _user(engine)
    journal = _journal(engine)
    vault = await journal.collections.create_collection(user, "Vault", password="first password")
    grant = (await journal.collections.unlock(user, vault.id, "first password")).token
    entry = await journal.entries.create_entry(
        user, vault.id, EntryDraft("T", _delta(SECRET)), [grant]
    )
    await journal.collections.set_password(
        user, vault.id, current_password="first password", new_password="second password"
    )
    fresh = _journal(engine)  # nothing held in memory: the new wrapping came from the database
    with pytest.raises(CollectionLocked):
        await fresh.entries.get_entry(user, entry.id)
    grant = (await fresh.collections.unlock(user, vault.id, "second password")).token
    assert (await fresh.entries.get_entry(user, entry.id, [grant])).plain_text() == SECRET + "\n"


async def test_collection_names_are_unique_per_user_in_the_database(engine: AsyncEngine) -> None:
    alice, bob = await _user(engine), await _user(engine)
    journal = _journal(engine)
    await journal.collections.create_collection(alice, "Diary")
    await journal.collections.create_collection(bob, "Diary")
    with pytest.raises(CollectionNameTaken):
        await journal.collections.create_collection(alice, "Diary")
    other = await journal.collections.create_collection(alice, "Other")
    with pytest.raises(CollectionNameTaken):
        await journal.collections.rename_collection(alice, other.id, "Diary")


async def test_updates_moves_and_deletes_persist(engine: AsyncEngine) -> None:
    user = await _user(engine)
    journal = _journal(engine)
    a = await journal.collections.create_collection(user, "A")
    b = await journal.collections.create_collection(user, "B")
    entry = await journal.entries.create_entry(user, a.id, EntryDraft("Old", _delta("x")))
    await journal.entries.update_entry(
        user, entry.id, EntryChanges(title="New", tags=["t"], collection_id=b.id)
    )
    moved = await journal.entries.get_entry(user, entry.id)
    assert (moved.title, moved.tags, moved.collection_id) == ("New", ["t"], b.id)
    await journal.collections.delete_collection(user, b.id, ())
    with pytest.raises(EntryNotFound):
        await journal.entries.get_entry(user, entry.id)


async def test_entries_are_dated_on_the_users_local_day(engine: AsyncEngine) -> None:
    user = await _user(engine, zone="Asia/Tokyo")
    clock = FakeClock(datetime(2026, 3, 1, 20, 0, tzinfo=UTC))  # 05:00 on 2 March in Tokyo
    journal = _journal(engine, clock)
    c = await journal.collections.create_collection(user, "Diary")
    entry = await journal.entries.create_entry(user, c.id, EntryDraft("T", _delta("one two")))
    assert entry.written_on == date(2026, 3, 2)
    stats = await journal.entries.stats(user)
    assert stats.per_month == {"2026-03": 1} and stats.words == 3 and stats.current_streak == 1


async def test_erasure_leaves_other_users_alone(engine: AsyncEngine) -> None:
    alice, bob = await _user(engine), await _user(engine)
    journal = _journal(engine)
    for user in (alice, bob):
        c = await journal.collections.create_collection(user, "Diary")
        await journal.entries.create_entry(user, c.id, EntryDraft("T", _delta("x")))
        await journal.gratitude.add_gratitude(user, "sun")
    await journal.user_data.erase(alice)
    assert await journal.user_data.export(alice) == {"collections": [], "gratitude": []}
    bobs = await journal.user_data.export(bob)
    assert len(bobs["collections"][0]["entries"]) == 1 and len(bobs["gratitude"]) == 1
