"""Which collections a request may open, and with which data key. Collections, entries and the
export all resolve keys here, so one rule decides what a grant unlocks and how often a
password may be guessed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from domains.journal.errors import CollectionLocked, CollectionNotFound
from domains.journal.grants import GrantStore
from domains.journal.keys import Keyring
from domains.journal.model import Collection
from domains.journal.ports import JournalUnitOfWork
from domains.shared.errors import RateLimited
from domains.shared.ids import is_id
from domains.shared.rate_limit import Rate, RateLimiter

#: The grant tokens a request carries (X-Journal-Grant over HTTP).
Grants = Sequence[str]


@dataclass(frozen=True)
class CollectionAccess:
    keyring: Keyring
    grants: GrantStore
    limiter: RateLimiter
    #: Password attempts per user and collection: argon2 is slow, guessing must be slower.
    password_rate: Rate = field(default_factory=lambda: Rate(5, 300.0))

    async def collection(
        self, uow: JournalUnitOfWork, user_id: str, collection_id: str
    ) -> Collection:
        """The user's collection; CollectionNotFound also for another user's."""
        collection = (
            await uow.collections.get(user_id, collection_id) if is_id(collection_id) else None
        )
        if collection is None:
            raise CollectionNotFound()
        return collection

    async def key_for(self, collection: Collection, grants: Grants) -> bytes:
        """The collection's data key; CollectionLocked when it is protected and no valid grant
        for it was sent."""
        if not collection.protected:
            return await self.keyring.collection_key(collection)
        granted = (await self.grants.resolve(collection.user_id, grants)).get(collection.id)
        if granted is None or not granted.valid_for(collection):
            raise CollectionLocked()
        return granted.data_key

    async def readable_keys(
        self,
        uow: JournalUnitOfWork,
        user_id: str,
        grants: Grants,
        collection_id: str | None,
    ) -> dict[str, bytes]:
        """Data keys of the collections the user may read in this request, by collection id.
        With `collection_id`, just that one (CollectionLocked when it is protected)."""
        if collection_id is not None:
            collection = await self.collection(uow, user_id, collection_id)
            return {collection.id: await self.key_for(collection, grants)}
        collections = await uow.collections.list_for_user(user_id)
        granted = await self.grants.resolve(user_id, grants) if grants else {}
        keys: dict[str, bytes] = {}
        for c in collections:
            if not c.protected:
                keys[c.id] = await self.keyring.collection_key(c)
            elif (g := granted.get(c.id)) is not None and g.valid_for(c):
                keys[c.id] = g.data_key
        return keys

    async def limit_password_attempts(self, user_id: str, collection_id: str) -> None:
        """RateLimited once the user has guessed this collection's password too often."""
        decision = await self.limiter.hit(
            f"journal:password:{user_id}:{collection_id}", self.password_rate
        )
        if not decision.allowed:
            raise RateLimited(
                "too many password attempts for this collection; try again later",
                retry_after_seconds=decision.retry_after,
            )
