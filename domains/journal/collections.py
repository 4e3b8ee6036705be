"""Journal collections: naming them, protecting them with a password, and unlocking them for a
while with a grant."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from domains.journal.access import CollectionAccess, Grants
from domains.journal.keys import collection_context
from domains.journal.model import (
    Collection,
    Grant,
    check_collection_name,
    check_collection_password,
)
from domains.journal.ports import JournalUnitOfWork
from domains.shared.clock import Clock
from domains.shared.errors import InvalidInput
from domains.shared.ids import new_id


@dataclass
class CollectionService:
    uow: Callable[[], JournalUnitOfWork]
    access: CollectionAccess
    clock: Clock

    async def create_collection(
        self, user_id: str, name: str, password: str | None = None
    ) -> Collection:
        name = check_collection_name(name)
        if password is not None:
            check_collection_password(password)
        collection_id = new_id()
        data_key = self.access.keyring.cipher.new_key()
        key = await self.access.keyring.wrap(
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
            return await self.access.collection(uow, user_id, collection_id)

    async def rename_collection(self, user_id: str, collection_id: str, name: str) -> Collection:
        name = check_collection_name(name)
        async with self.uow() as uow:
            collection = await self.access.collection(uow, user_id, collection_id)
            collection.name = name
            collection.updated_at = self.clock.now()
            await uow.collections.update(collection)
            await uow.commit()
        return collection

    async def delete_collection(self, user_id: str, collection_id: str, grants: Grants) -> None:
        """A protected collection is deleted only while unlocked: a stolen session must not be
        able to destroy what it cannot read."""
        async with self.uow() as uow:
            collection = await self.access.collection(uow, user_id, collection_id)
            await self.access.key_for(collection, grants)
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
            collection = await self.access.collection(uow, user_id, collection_id)
        context = collection_context(user_id, collection_id)
        if collection.protected:
            if current_password is None:
                raise InvalidInput(
                    "give the collection's current password", field="current_password"
                )
            await self.access.limit_password_attempts(user_id, collection_id)
            data_key = await self.access.keyring.unwrap_with_password(
                collection.key, context, current_password, field="current_password"
            )
        else:
            data_key = await self.access.keyring.unwrap_with_server_key(collection.key, context)
        new_key = await self.access.keyring.wrap(data_key, context, new_password)
        async with self.uow() as uow:
            collection.key = new_key
            collection.updated_at = self.clock.now()
            await uow.collections.update(collection)
            await uow.commit()
        return collection

    async def unlock(self, user_id: str, collection_id: str, password: str) -> Grant:
        async with self.uow() as uow:
            collection = await self.access.collection(uow, user_id, collection_id)
        if not collection.protected:
            raise InvalidInput("this collection has no password to unlock", field="password")
        await self.access.limit_password_attempts(user_id, collection_id)
        data_key = await self.access.keyring.collection_key(collection, password)
        return await self.access.grants.issue(collection, data_key)

    async def lock(self, grants: Grants) -> None:
        await self.access.grants.revoke(grants)
