"""Journal use cases: short methods over a unit of work. Text is encrypted and decrypted here, in
the service, so the database only ever sees ciphertext and no plaintext index exists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domains.journal.errors import CollectionLocked, CollectionNotFound, EntryNotFound
from domains.journal.export import encrypted_collection, entry_json
from domains.journal.grants import GrantStore
from domains.journal.keys import Keyring, collection_context
from domains.journal.model import (
    KEEP,
    Collection,
    Entry,
    EntryChanges,
    EntryDraft,
    Grant,
    Gratitude,
    SealedEntry,
    Stats,
    check_collection_name,
    check_collection_password,
    check_delta,
    check_gratitude,
    check_tags,
    check_title,
    count_words,
    delta_text,
)
from domains.journal.ports import JournalUnitOfWork, UserTimeZones
from domains.journal.sealing import open_entry, open_gratitude, seal_entry, seal_gratitude
from domains.journal.stats import streaks
from domains.shared.clock import Clock, local_date, time_zone
from domains.shared.errors import InvalidInput, RateLimited
from domains.shared.events import EventPublisher, ProductiveAction
from domains.shared.ids import is_id, new_id
from domains.shared.rate_limit import Rate, RateLimiter

Grants = Sequence[str]
MAX_PAGE = 200
MAX_QUERY = 200


@dataclass
class JournalService:
    uow: Callable[[], JournalUnitOfWork]
    keyring: Keyring
    grants: GrantStore
    limiter: RateLimiter
    clock: Clock
    time_zones: UserTimeZones
    events: EventPublisher | None = None
    #: Password attempts per user and collection: argon2 is slow, guessing must be slower.
    password_rate: Rate = field(default_factory=lambda: Rate(5, 300.0))

    # -- collections ------------------------------------------------------------------------

    async def create_collection(
        self, user_id: str, name: str, password: str | None = None
    ) -> Collection:
        name = check_collection_name(name)
        if password is not None:
            check_collection_password(password)
        collection_id = new_id()
        data_key = self.keyring.cipher.new_key()
        key = await self.keyring.wrap(
            data_key, collection_context(user_id, collection_id), password
        )
        now = self.clock.now()
        collection = Collection(collection_id, user_id, name, key, now, now)
        async with self.uow() as uow:
            await uow.collections.add(collection)
            await uow.commit()
        return collection

    async def list_collections(self, user_id: str) -> Sequence[Collection]:
        async with self.uow() as uow:
            return await uow.collections.list_for_user(user_id)

    async def get_collection(self, user_id: str, collection_id: str) -> Collection:
        async with self.uow() as uow:
            return await self._collection(uow, user_id, collection_id)

    async def rename_collection(self, user_id: str, collection_id: str, name: str) -> Collection:
        name = check_collection_name(name)
        async with self.uow() as uow:
            collection = await self._collection(uow, user_id, collection_id)
            collection.name = name
            collection.updated_at = self.clock.now()
            await uow.collections.update(collection)
            await uow.commit()
        return collection

    async def delete_collection(self, user_id: str, collection_id: str, grants: Grants) -> None:
        """A protected collection is deleted only while unlocked: a stolen session must not be
        able to destroy what it cannot read."""
        async with self.uow() as uow:
            collection = await self._collection(uow, user_id, collection_id)
            await self._key_for(collection, grants)
            await uow.collections.delete(user_id, collection_id)
            await uow.commit()

    async def set_password(
        self,
        user_id: str,
        collection_id: str,
        *,
        current_password: str | None,
        new_password: str | None,
    ) -> Collection:
        """Protect, change or remove the password. Only the data key is re-wrapped; entries
        stay as they are. Grants issued before stop working (the wrapped key changed)."""
        if new_password is not None:
            check_collection_password(new_password, field="new_password")
        async with self.uow() as uow:
            collection = await self._collection(uow, user_id, collection_id)
        context = collection_context(user_id, collection_id)
        if collection.protected:
            if current_password is None:
                raise InvalidInput(
                    "give the collection's current password", field="current_password"
                )
            await self._limit_password_attempts(user_id, collection_id)
            data_key = await self.keyring.unwrap_with_password(
                collection.key, context, current_password, field="current_password"
            )
        else:
            data_key = await self.keyring.unwrap_with_server_key(collection.key, context)
        new_key = await self.keyring.wrap(data_key, context, new_password)
        async with self.uow() as uow:
            collection.key = new_key
            collection.updated_at = self.clock.now()
            await uow.collections.update(collection)
            await uow.commit()
        return collection

    async def unlock(self, user_id: str, collection_id: str, password: str) -> Grant:
        async with self.uow() as uow:
            collection = await self._collection(uow, user_id, collection_id)
        if not collection.protected:
            raise InvalidInput("this collection has no password to unlock", field="password")
        await self._limit_password_attempts(user_id, collection_id)
        data_key = await self.keyring.collection_key(collection, password)
        return await self.grants.issue(collection, data_key)

    async def lock(self, grants: Grants) -> None:
        await self.grants.revoke(grants)

    # -- entries ----------------------------------------------------------------------------

    async def create_entry(
        self, user_id: str, collection_id: str, draft: EntryDraft, grants: Grants = ()
    ) -> Entry:
        draft = _checked(draft)
        zone = await self._zone(user_id)
        now = self.clock.now()
        async with self.uow() as uow:
            collection = await self._collection(uow, user_id, collection_id)
            key = await self._key_for(collection, grants)
            await _check_mood_link(uow, user_id, draft.mood_entry_id)
            entry = Entry(
                id=new_id(),
                collection_id=collection.id,
                title=draft.title,
                content=draft.content,
                tags=draft.tags,
                word_count=_words(draft.title, draft.content),
                written_on=local_date(now, zone),
                created_at=now,
                updated_at=now,
                mood_entry_id=draft.mood_entry_id,
            )
            await uow.entries.add(seal_entry(self.keyring.cipher, key, user_id, entry))
            await uow.commit()
        if self.events is not None:
            await self.events.publish(
                ProductiveAction(user_id, "journal_entry", now, entry.written_on)
            )
        return entry

    async def get_entry(self, user_id: str, entry_id: str, grants: Grants = ()) -> Entry:
        async with self.uow() as uow:
            sealed = await self._sealed_entry(uow, user_id, entry_id)
            collection = await self._collection(uow, user_id, sealed.collection_id)
            key = await self._key_for(collection, grants)
        return open_entry(self.keyring.cipher, key, sealed)

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
        limit, offset = _page(limit, offset)
        async with self.uow() as uow:
            keys = await self._readable_keys(uow, user_id, grants, collection_id)
            ids = list(keys)
            if tag is None:
                rows = await uow.entries.list(user_id, ids, limit=limit, offset=offset)
                total = await uow.entries.count(user_id, ids)
                return [
                    open_entry(self.keyring.cipher, keys[r.collection_id], r) for r in rows
                ], total
            wanted = check_tags([tag])[0]
            rows = await uow.entries.list(user_id, ids)
        matching = [
            e
            for e in (open_entry(self.keyring.cipher, keys[r.collection_id], r) for r in rows)
            if wanted in e.tags
        ]
        return matching[offset : offset + limit], len(matching)

    async def update_entry(
        self, user_id: str, entry_id: str, changes: EntryChanges, grants: Grants = ()
    ) -> Entry:
        async with self.uow() as uow:
            sealed = await self._sealed_entry(uow, user_id, entry_id)
            collection = await self._collection(uow, user_id, sealed.collection_id)
            entry = open_entry(self.keyring.cipher, await self._key_for(collection, grants), sealed)
            if changes.collection_id is not None and changes.collection_id != collection.id:
                # Another collection has another data key: the entry is sealed anew under it.
                collection = await self._collection(uow, user_id, changes.collection_id)
            key = await self._key_for(collection, grants)
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
            await uow.entries.update(seal_entry(self.keyring.cipher, key, user_id, entry))
            await uow.commit()
        return entry

    async def delete_entry(self, user_id: str, entry_id: str, grants: Grants = ()) -> None:
        async with self.uow() as uow:
            sealed = await self._sealed_entry(uow, user_id, entry_id)
            collection = await self._collection(uow, user_id, sealed.collection_id)
            await self._key_for(collection, grants)
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
        limit, _ = _page(limit, 0)
        async with self.uow() as uow:
            keys = await self._readable_keys(uow, user_id, grants, None)
            rows = await uow.entries.list(user_id, list(keys))
        hits = []
        for row in rows:
            entry = open_entry(self.keyring.cipher, keys[row.collection_id], row)
            haystack = "\n".join([entry.title, entry.plain_text(), *entry.tags]).casefold()
            if needle in haystack:
                hits.append(entry)
        return hits[:limit], len(hits)

    # -- gratitude --------------------------------------------------------------------------

    async def add_gratitude(
        self, user_id: str, text: str, on_date: date | None = None
    ) -> Gratitude:
        text = check_gratitude(text)
        now = self.clock.now()
        today = local_date(now, await self._zone(user_id))
        if on_date is None:
            on_date = today
        elif on_date > today + timedelta(days=1):
            raise InvalidInput("a gratitude entry cannot be for a future day", field="on_date")
        gratitude = Gratitude(new_id(), on_date, text, now)
        sealed = await seal_gratitude(self.keyring, user_id, gratitude)
        async with self.uow() as uow:
            await uow.gratitude.add(sealed)
            await uow.commit()
        return gratitude

    async def list_gratitude(
        self, user_id: str, *, limit: int = 50, offset: int = 0
    ) -> tuple[list[Gratitude], int]:
        limit, offset = _page(limit, offset)
        async with self.uow() as uow:
            rows = await uow.gratitude.list(user_id, limit=limit, offset=offset)
            total = await uow.gratitude.count(user_id)
        return [await open_gratitude(self.keyring, row) for row in rows], total

    async def delete_gratitude(self, user_id: str, gratitude_id: str) -> None:
        async with self.uow() as uow:
            if not await uow.gratitude.delete(user_id, gratitude_id):
                raise EntryNotFound()
            await uow.commit()

    # -- stats, export, erasure -------------------------------------------------------------

    async def stats(self, user_id: str, grants: Grants = ()) -> Stats:
        """From dates and word counts, which are stored beside the ciphertext; no text is read.
        Like lists, they count a protected collection's entries only with its grant."""
        today = local_date(self.clock.now(), await self._zone(user_id))
        async with self.uow() as uow:
            readable = await self._readable_keys(uow, user_id, grants, None)
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

    async def export(self, user_id: str, grants: Grants = ()) -> dict[str, Any]:
        """Plaintext for what may be read now; the rest as ciphertext with everything needed to
        decrypt it offline with the password, so nothing is lost."""
        async with self.uow() as uow:
            collections = await uow.collections.list_for_user(user_id)
            keys = await self._readable_keys(uow, user_id, grants, None)
            by_collection: dict[str, list[SealedEntry]] = {c.id: [] for c in collections}
            for row in await uow.entries.list(user_id, [c.id for c in collections]):
                by_collection[row.collection_id].append(row)
            gratitude = await uow.gratitude.list(user_id)
        exported = []
        for c in collections:
            item: dict[str, Any] = {
                "id": c.id,
                "name": c.name,
                "protected": c.protected,
                "created_at": c.created_at.isoformat(),
            }
            if c.id in keys:
                item["entries"] = [
                    entry_json(open_entry(self.keyring.cipher, keys[c.id], row))
                    for row in by_collection[c.id]
                ]
            else:
                item["encrypted"] = encrypted_collection(
                    c, by_collection[c.id], self.keyring.cipher.algorithm
                )
            exported.append(item)
        return {
            "collections": exported,
            "gratitude": [
                {"id": g.id, "on_date": g.on_date.isoformat(), "text": g.text}
                for g in [await open_gratitude(self.keyring, row) for row in gratitude]
            ],
        }

    async def erase(self, user_id: str) -> None:
        async with self.uow() as uow:
            await uow.gratitude.delete_for_user(user_id)
            await uow.collections.delete_for_user(user_id)
            await uow.commit()

    # -- helpers ----------------------------------------------------------------------------

    async def _collection(
        self, uow: JournalUnitOfWork, user_id: str, collection_id: str
    ) -> Collection:
        collection = (
            await uow.collections.get(user_id, collection_id) if is_id(collection_id) else None
        )
        if collection is None:
            raise CollectionNotFound()
        return collection

    async def _sealed_entry(
        self, uow: JournalUnitOfWork, user_id: str, entry_id: str
    ) -> SealedEntry:
        sealed = await uow.entries.get(user_id, entry_id) if is_id(entry_id) else None
        if sealed is None:
            raise EntryNotFound()
        return sealed

    async def _key_for(self, collection: Collection, grants: Grants) -> bytes:
        if not collection.protected:
            return await self.keyring.collection_key(collection)
        granted = (await self.grants.resolve(collection.user_id, grants)).get(collection.id)
        if granted is None or not granted.valid_for(collection):
            raise CollectionLocked()
        return granted.data_key

    async def _readable_keys(
        self,
        uow: JournalUnitOfWork,
        user_id: str,
        grants: Grants,
        collection_id: str | None,
    ) -> dict[str, bytes]:
        """Data keys of the collections the user may read in this request, by collection id.
        With `collection_id`, just that one (CollectionLocked when it is protected)."""
        if collection_id is not None:
            collection = await self._collection(uow, user_id, collection_id)
            return {collection.id: await self._key_for(collection, grants)}
        collections = await uow.collections.list_for_user(user_id)
        granted = await self.grants.resolve(user_id, grants) if grants else {}
        keys: dict[str, bytes] = {}
        for c in collections:
            if not c.protected:
                keys[c.id] = await self.keyring.collection_key(c)
            elif (g := granted.get(c.id)) is not None and g.valid_for(c):
                keys[c.id] = g.data_key
        return keys

    async def _zone(self, user_id: str) -> ZoneInfo:
        try:
            return time_zone(await self.time_zones.zone_of(user_id))
        except InvalidInput:
            return ZoneInfo("UTC")

    async def _limit_password_attempts(self, user_id: str, collection_id: str) -> None:
        decision = await self.limiter.hit(
            f"journal:password:{user_id}:{collection_id}", self.password_rate
        )
        if not decision.allowed:
            raise RateLimited(
                "too many password attempts for this collection; try again later",
                retry_after_seconds=decision.retry_after,
            )


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


def _page(limit: int, offset: int) -> tuple[int, int]:
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit is 1 to {MAX_PAGE} and offset is not negative", field="limit")
    return limit, offset


@dataclass(frozen=True)
class JournalUserData:
    """The journal's part of account export and erasure. No grants travel with an account
    export, so protected collections leave as ciphertext with their wrapping parameters."""

    service: JournalService
    name: str = "journal"

    async def export(self, user_id: str) -> Any:
        return await self.service.export(user_id)

    async def erase(self, user_id: str) -> None:
        await self.service.erase(user_id)
