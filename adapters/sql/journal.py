from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, exc, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables.journal import journal_collections, journal_entries, journal_gratitude
from adapters.sql.tables.mood import mood_entries
from adapters.sql.unit_of_work import SqlUnitOfWork
from domains.journal.errors import CollectionNameTaken
from domains.journal.model import (
    Collection,
    KdfParameters,
    SealedEntry,
    SealedGratitude,
    WrappedKey,
)
from domains.shared.errors import InvalidInput

_ENTRY_FIELDS = (
    "id",
    "user_id",
    "collection_id",
    "ciphertext",
    "format_version",
    "word_count",
    "written_on",
    "created_at",
    "updated_at",
    "mood_entry_id",
)


def _key_columns(key: WrappedKey) -> dict[str, Any]:
    kdf = key.kdf
    return {
        "wrapped_key": key.wrapped,
        "kdf_salt": kdf.salt if kdf else None,
        "kdf_memory_kib": kdf.memory_kib if kdf else None,
        "kdf_time_cost": kdf.time_cost if kdf else None,
        "kdf_parallelism": kdf.parallelism if kdf else None,
    }


def _collection(row: Any) -> Collection:
    kdf = (
        KdfParameters(
            salt=bytes(row.kdf_salt),
            memory_kib=row.kdf_memory_kib,
            time_cost=row.kdf_time_cost,
            parallelism=row.kdf_parallelism,
        )
        if row.kdf_salt is not None
        else None
    )
    return Collection(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        key=WrappedKey(bytes(row.wrapped_key), kdf),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _entry(row: Any) -> SealedEntry:
    values = {name: row[name] for name in _ENTRY_FIELDS}
    values["ciphertext"] = bytes(values["ciphertext"])
    return SealedEntry(**values)


class SqlAlchemyCollectionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, collection: Collection) -> None:
        try:
            await self._c.execute(
                insert(journal_collections).values(
                    id=collection.id,
                    user_id=collection.user_id,
                    name=collection.name,
                    created_at=collection.created_at,
                    updated_at=collection.updated_at,
                    **_key_columns(collection.key),
                )
            )
        except exc.IntegrityError as e:
            raise CollectionNameTaken() from e

    async def get(self, user_id: str, collection_id: str) -> Collection | None:
        row = (
            await self._c.execute(
                select(journal_collections).where(
                    journal_collections.c.id == collection_id,
                    journal_collections.c.user_id == user_id,
                )
            )
        ).first()
        return _collection(row) if row else None

    async def list_for_user(self, user_id: str) -> Sequence[Collection]:
        rows = await self._c.execute(
            select(journal_collections)
            .where(journal_collections.c.user_id == user_id)
            .order_by(journal_collections.c.name)
        )
        return [_collection(row) for row in rows]

    async def update(self, collection: Collection) -> None:
        try:
            await self._c.execute(
                update(journal_collections)
                .where(
                    journal_collections.c.id == collection.id,
                    journal_collections.c.user_id == collection.user_id,
                )
                .values(
                    name=collection.name,
                    updated_at=collection.updated_at,
                    **_key_columns(collection.key),
                )
            )
        except exc.IntegrityError as e:
            raise CollectionNameTaken() from e

    async def delete(self, user_id: str, collection_id: str) -> None:
        # Its entries go with it (ON DELETE CASCADE; the SQLite engine turns foreign keys on).
        await self._c.execute(
            delete(journal_collections).where(
                journal_collections.c.id == collection_id,
                journal_collections.c.user_id == user_id,
            )
        )

    async def delete_for_user(self, user_id: str) -> None:
        await self._c.execute(
            delete(journal_collections).where(journal_collections.c.user_id == user_id)
        )


class _GoneMoodEntry(InvalidInput):
    def __init__(self) -> None:
        super().__init__("there is no mood entry of yours with that id", field="mood_entry_id")


class SqlAlchemyEntryRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, entry: SealedEntry) -> None:
        try:
            await self._c.execute(
                insert(journal_entries).values(**{n: getattr(entry, n) for n in _ENTRY_FIELDS})
            )
        except exc.IntegrityError as e:
            if entry.mood_entry_id is None:
                raise
            raise _GoneMoodEntry() from e

    async def mood_entry_is_theirs(self, user_id: str, mood_entry_id: str) -> bool:
        # FOR KEY SHARE (PostgreSQL): a concurrent deletion waits for this transaction, so
        # the link written next never dangles. SQLite's writers take turns already.
        query = (
            select(mood_entries.c.id)
            .where(mood_entries.c.id == mood_entry_id, mood_entries.c.user_id == user_id)
            .with_for_update(read=True, key_share=True)
        )
        return (await self._c.execute(query)).first() is not None

    async def get(self, user_id: str, entry_id: str) -> SealedEntry | None:
        row = (
            (
                await self._c.execute(
                    select(journal_entries).where(
                        journal_entries.c.id == entry_id, journal_entries.c.user_id == user_id
                    )
                )
            )
            .mappings()
            .first()
        )
        return _entry(row) if row else None

    async def list(
        self,
        user_id: str,
        collection_ids: Sequence[str],
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[SealedEntry]:
        if not collection_ids:
            return []
        query = (
            select(journal_entries)
            .where(
                journal_entries.c.user_id == user_id,
                journal_entries.c.collection_id.in_(list(collection_ids)),
            )
            .order_by(journal_entries.c.created_at.desc(), journal_entries.c.id)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return [_entry(row) for row in (await self._c.execute(query)).mappings()]

    async def count(self, user_id: str, collection_ids: Sequence[str]) -> int:
        if not collection_ids:
            return 0
        return int(
            (
                await self._c.execute(
                    select(func.count()).where(
                        journal_entries.c.user_id == user_id,
                        journal_entries.c.collection_id.in_(list(collection_ids)),
                    )
                )
            ).scalar_one()
        )

    async def update(self, entry: SealedEntry) -> None:
        values = {n: getattr(entry, n) for n in _ENTRY_FIELDS if n not in {"id", "user_id"}}
        try:
            await self._c.execute(
                update(journal_entries)
                .where(journal_entries.c.id == entry.id, journal_entries.c.user_id == entry.user_id)
                .values(**values)
            )
        except exc.IntegrityError as e:
            if entry.mood_entry_id is None:
                raise
            raise _GoneMoodEntry() from e

    async def delete(self, user_id: str, entry_id: str) -> None:
        await self._c.execute(
            delete(journal_entries).where(
                journal_entries.c.id == entry_id, journal_entries.c.user_id == user_id
            )
        )

    async def writing_days(
        self, user_id: str, collection_ids: Sequence[str]
    ) -> Sequence[tuple[date, int]]:
        if not collection_ids:
            return []
        rows = await self._c.execute(
            select(journal_entries.c.written_on, journal_entries.c.word_count).where(
                journal_entries.c.user_id == user_id,
                journal_entries.c.collection_id.in_(list(collection_ids)),
            )
        )
        return [(row.written_on, row.word_count) for row in rows]

    async def delete_for_user(self, user_id: str) -> None:
        await self._c.execute(delete(journal_entries).where(journal_entries.c.user_id == user_id))


class SqlAlchemyGratitudeRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._c = connection

    async def add(self, item: SealedGratitude) -> None:
        await self._c.execute(
            insert(journal_gratitude).values(
                id=item.id,
                user_id=item.user_id,
                on_date=item.on_date,
                wrapped_key=item.key.wrapped,
                format_version=item.format_version,
                ciphertext=item.ciphertext,
                created_at=item.created_at,
            )
        )

    async def list(
        self, user_id: str, *, limit: int | None = None, offset: int = 0
    ) -> Sequence[SealedGratitude]:
        query = (
            select(journal_gratitude)
            .where(journal_gratitude.c.user_id == user_id)
            .order_by(
                journal_gratitude.c.on_date.desc(),
                journal_gratitude.c.created_at.desc(),
                journal_gratitude.c.id,
            )
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return [
            SealedGratitude(
                id=row.id,
                user_id=row.user_id,
                on_date=row.on_date,
                key=WrappedKey(bytes(row.wrapped_key)),
                ciphertext=bytes(row.ciphertext),
                format_version=row.format_version,
                created_at=row.created_at,
            )
            for row in await self._c.execute(query)
        ]

    async def count(self, user_id: str) -> int:
        return int(
            (
                await self._c.execute(
                    select(func.count()).where(journal_gratitude.c.user_id == user_id)
                )
            ).scalar_one()
        )

    async def delete(self, user_id: str, gratitude_id: str) -> bool:
        result = await self._c.execute(
            delete(journal_gratitude).where(
                journal_gratitude.c.id == gratitude_id, journal_gratitude.c.user_id == user_id
            )
        )
        return result.rowcount == 1

    async def delete_for_user(self, user_id: str) -> None:
        await self._c.execute(
            delete(journal_gratitude).where(journal_gratitude.c.user_id == user_id)
        )


class SqlAlchemyJournalUnitOfWork(SqlUnitOfWork):
    collections: SqlAlchemyCollectionRepository
    entries: SqlAlchemyEntryRepository
    gratitude: SqlAlchemyGratitudeRepository

    def _bind(self, connection: AsyncConnection) -> None:
        self.collections = SqlAlchemyCollectionRepository(connection)
        self.entries = SqlAlchemyEntryRepository(connection)
        self.gratitude = SqlAlchemyGratitudeRepository(connection)
