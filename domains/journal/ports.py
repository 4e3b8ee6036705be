"""What the journal needs from the outside world. Adapters implement these; tests fake them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, Self

from domains.journal.model import Collection, KdfParameters, SealedEntry, SealedGratitude


class Cipher(Protocol):
    """An authenticated cipher (AEAD) with 256-bit keys."""

    #: How a sealed value is laid out, for exports a person decrypts offline.
    algorithm: str

    def new_key(self) -> bytes:
        """A fresh random data key."""
        ...

    def seal(self, key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
        """Encrypts with a fresh random nonce; the result carries the nonce and the tag."""
        ...

    def open(self, key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
        """Raises DecryptionFailed unless key, ciphertext and associated data all match."""
        ...


class KeyEncryptionKey(Protocol):
    """The server's key-encryption key: settings here, a KMS in production."""

    async def wrap(self, data_key: bytes, context: bytes) -> bytes: ...

    async def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        """Raises DecryptionFailed when `wrapped` was not wrapped by this key for `context`."""
        ...


class PasswordKdf(Protocol):
    """Derives a 256-bit key from a collection password (argon2id). Slow by design:
    implementations run it off the event loop."""

    def new_parameters(self) -> KdfParameters:
        """Current parameters with a fresh random salt."""
        ...

    async def derive(self, password: str, parameters: KdfParameters) -> bytes: ...


class CollectionRepository(Protocol):
    async def add(self, collection: Collection) -> None:
        """Raises CollectionNameTaken when the user already has the name (also under a race)."""
        ...

    async def get(self, user_id: str, collection_id: str) -> Collection | None:
        """None also for another user's collection."""
        ...

    async def list_for_user(self, user_id: str) -> Sequence[Collection]: ...

    async def update(self, collection: Collection) -> None:
        """Saves name, key and updated_at; raises CollectionNameTaken like `add`."""
        ...

    async def delete(self, user_id: str, collection_id: str) -> None:
        """Deletes its entries with it."""
        ...

    async def delete_for_user(self, user_id: str) -> None: ...


class EntryRepository(Protocol):
    async def add(self, entry: SealedEntry) -> None:
        """InvalidInput on `mood_entry_id` when the mood entry is gone by then."""
        ...

    async def mood_entry_is_theirs(self, user_id: str, mood_entry_id: str) -> bool:
        """Whether that mood entry exists and is the user's; when it is, it cannot be deleted
        before this unit of work ends. Deleting a mood entry later clears every link to it."""
        ...

    async def get(self, user_id: str, entry_id: str) -> SealedEntry | None: ...

    async def list(
        self,
        user_id: str,
        collection_ids: Sequence[str],
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[SealedEntry]:
        """The user's entries in those collections, newest first."""
        ...

    async def count(self, user_id: str, collection_ids: Sequence[str]) -> int: ...

    async def update(self, entry: SealedEntry) -> None: ...

    async def delete(self, user_id: str, entry_id: str) -> None: ...

    async def writing_days(
        self, user_id: str, collection_ids: Sequence[str]
    ) -> Sequence[tuple[date, int]]:
        """(local day written on, word count) for each of the user's entries in those
        collections."""
        ...

    async def delete_for_user(self, user_id: str) -> None: ...


class GratitudeRepository(Protocol):
    async def add(self, item: SealedGratitude) -> None: ...

    async def list(
        self, user_id: str, *, limit: int | None = None, offset: int = 0
    ) -> Sequence[SealedGratitude]:
        """Newest day first."""
        ...

    async def count(self, user_id: str) -> int: ...

    async def delete(self, user_id: str, gratitude_id: str) -> bool:
        """False when there was no such item of this user."""
        ...

    async def delete_for_user(self, user_id: str) -> None: ...


class JournalUnitOfWork(Protocol):
    collections: CollectionRepository
    entries: EntryRepository
    gratitude: GratitudeRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None:
        """Rolls back whatever was not committed."""
        ...

    async def commit(self) -> None: ...
