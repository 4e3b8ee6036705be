"""Journal entries: written, read, listed, searched and counted. Text is encrypted and decrypted
here, so the database only ever sees ciphertext and no plaintext index exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domains.journal.access import CollectionAccess, Grants
from domains.journal.errors import EntryNotFound
from domains.journal.model import (
    KEEP,
    Entry,
    EntryChanges,
    EntryDraft,
    SealedEntry,
    Stats,
    check_delta,
    check_page,
    check_tags,
    check_title,
    count_words,
    delta_text,
)
from domains.journal.ports import JournalUnitOfWork
from domains.journal.sealing import open_entry, seal_entry
from domains.journal.stats import streaks
from domains.shared.clock import Clock
from domains.shared.days import UserDays
from domains.shared.errors import InvalidInput
from domains.shared.events import EventPublisher, ProductiveAction
from domains.shared.ids import is_id, new_id

MAX_QUERY = 200


@dataclass
class EntryService:
    uow: Callable[[], JournalUnitOfWork]
    access: CollectionAccess
    clock: Clock
    user_days: UserDays
    events: EventPublisher | None = None

    async def create_entry(
        self, user_id: str, collection_id: str, draft: EntryDraft, grants: Grants = ()
    ) -> Entry:
        draft = _checked(draft)
        day = await self.user_days.of(user_id)
        now = self.clock.now()
        async with self.uow() as uow:
            collection = await self.access.collection(uow, user_id, collection_id)
            key = await self.access.key_for(collection, grants)
            await _check_mood_link(uow, user_id, draft.mood_entry_id)
            entry = Entry(
                id=new_id(),
                collection_id=collection.id,
                title=draft.title,
                content=draft.content,
                tags=draft.tags,
                word_count=_words(draft.title, draft.content),
                written_on=day.date_of(now),
                created_at=now,
                updated_at=now,
                mood_entry_id=draft.mood_entry_id,
            )
            await uow.entries.add(seal_entry(self.access.keyring.cipher, key, user_id, entry))
            if self.events is not None:
                # Inside the unit of work: the streak's write joins this transaction.
                await self.events.publish(
                    ProductiveAction(user_id, "journal_entry", now, entry.written_on)
                )
            await uow.commit()
        return entry

    async def get_entry(self, user_id: str, entry_id: str, grants: Grants = ()) -> Entry:
        async with self.uow() as uow:
            sealed = await _sealed_entry(uow, user_id, entry_id)
            collection = await self.access.collection(uow, user_id, sealed.collection_id)
            key = await self.access.key_for(collection, grants)
        return open_entry(self.access.keyring.cipher, key, sealed)

    async def list_entries(
        self,
        user_id: str,
        grants: Grants = (),
        *,
        collection_id: str | None = None,
        tag: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Entry], int]:
        """Entries the user may read now, newest first, and how many there are in all.
        Without a grant, a protected collection's entries are neither listed nor counted."""
        check_page(limit, offset)
        cipher = self.access.keyring.cipher
        async with self.uow() as uow:
            keys = await self.access.readable_keys(uow, user_id, grants, collection_id)
            ids = list(keys)
            if tag is None:
                rows = await uow.entries.list(user_id, ids, limit=limit, offset=offset)
                total = await uow.entries.count(user_id, ids)
                return [open_entry(cipher, keys[r.collection_id], r) for r in rows], total
            wanted = check_tags([tag])[0]
            rows = await uow.entries.list(user_id, ids)
        matching = [
            e
            for e in (open_entry(cipher, keys[r.collection_id], r) for r in rows)
            if wanted in e.tags
        ]
        return matching[offset : offset + limit], len(matching)

    async def update_entry(
        self, user_id: str, entry_id: str, changes: EntryChanges, grants: Grants = ()
    ) -> Entry:
        cipher = self.access.keyring.cipher
        async with self.uow() as uow:
            sealed = await _sealed_entry(uow, user_id, entry_id)
            collection = await self.access.collection(uow, user_id, sealed.collection_id)
            entry = open_entry(cipher, await self.access.key_for(collection, grants), sealed)
            if changes.collection_id is not None and changes.collection_id != collection.id:
                # Another collection has another data key: the entry is sealed anew under it.
                collection = await self.access.collection(uow, user_id, changes.collection_id)
            key = await self.access.key_for(collection, grants)
            draft = _checked(
                EntryDraft(
                    title=entry.title if changes.title is None else changes.title,
                    content=entry.content if changes.content is None else changes.content,
                    tags=entry.tags if changes.tags is None else changes.tags,
                    mood_entry_id=(
                        entry.mood_entry_id
                        if changes.mood_entry_id is KEEP
                        else changes.mood_entry_id
                    ),
                )
            )
            if draft.mood_entry_id != entry.mood_entry_id:
                await _check_mood_link(uow, user_id, draft.mood_entry_id)
            entry.collection_id = collection.id
            entry.title, entry.content, entry.tags = draft.title, draft.content, draft.tags
            entry.mood_entry_id = draft.mood_entry_id
            entry.word_count = _words(draft.title, draft.content)
            entry.updated_at = self.clock.now()
            await uow.entries.update(seal_entry(cipher, key, user_id, entry))
            await uow.commit()
        return entry

    async def delete_entry(self, user_id: str, entry_id: str, grants: Grants = ()) -> None:
        async with self.uow() as uow:
            sealed = await _sealed_entry(uow, user_id, entry_id)
            collection = await self.access.collection(uow, user_id, sealed.collection_id)
            await self.access.key_for(collection, grants)
            await uow.entries.delete(user_id, entry_id)
            await uow.commit()

    async def search(
        self, user_id: str, query: str, grants: Grants = (), *, limit: int = 50
    ) -> tuple[list[Entry], int]:
        """Decrypts what the user may read and matches it here: ciphertext is never searched
        in the database, and no plaintext index exists to leak."""
        needle = query.strip().casefold()
        if not needle or len(needle) > MAX_QUERY:
            raise InvalidInput(f"search for 1 to {MAX_QUERY} characters", field="q")
        check_page(limit, 0)
        async with self.uow() as uow:
            keys = await self.access.readable_keys(uow, user_id, grants, None)
            rows = await uow.entries.list(user_id, list(keys))
        hits = []
        for row in rows:
            entry = open_entry(self.access.keyring.cipher, keys[row.collection_id], row)
            haystack = "\n".join([entry.title, entry.plain_text(), *entry.tags]).casefold()
            if needle in haystack:
                hits.append(entry)
        return hits[:limit], len(hits)

    async def stats(self, user_id: str, grants: Grants = ()) -> Stats:
        """From dates and word counts, which are stored beside the ciphertext; no text is read.
        Like lists, they count a protected collection's entries only with its grant."""
        today = (await self.user_days.of(user_id)).today
        async with self.uow() as uow:
            readable = await self.access.readable_keys(uow, user_id, grants, None)
            days = await uow.entries.writing_days(user_id, list(readable))
            gratitude = await uow.gratitude.count(user_id)
        per_month: dict[str, int] = {}
        for day, _ in days:
            month = f"{day.year:04d}-{day.month:02d}"
            per_month[month] = per_month.get(month, 0) + 1
        current, longest = streaks({day for day, _ in days}, today)
        return Stats(
            entries=len(days),
            words=sum(words for _, words in days),
            per_month=dict(sorted(per_month.items())),
            current_streak=current,
            longest_streak=longest,
            gratitude_entries=gratitude,
        )


async def _sealed_entry(uow: JournalUnitOfWork, user_id: str, entry_id: str) -> SealedEntry:
    sealed = await uow.entries.get(user_id, entry_id) if is_id(entry_id) else None
    if sealed is None:
        raise EntryNotFound()
    return sealed


async def _check_mood_link(uow: JournalUnitOfWork, user_id: str, mood_entry_id: str | None) -> None:
    """A journal entry links only to one of its writer's own mood entries."""
    if mood_entry_id is not None and not await uow.entries.mood_entry_is_theirs(
        user_id, mood_entry_id
    ):
        raise InvalidInput("there is no mood entry of yours with that id", field="mood_entry_id")


def _checked(draft: EntryDraft) -> EntryDraft:
    mood = draft.mood_entry_id
    if mood is not None and not is_id(mood):
        raise InvalidInput("mood_entry_id must be the id of a mood entry", field="mood_entry_id")
    return EntryDraft(
        title=check_title(draft.title),
        content=check_delta(draft.content),
        tags=check_tags(draft.tags),
        mood_entry_id=mood,
    )


def _words(title: str, content: dict[str, Any]) -> int:
    return count_words(title) + count_words(delta_text(content))
