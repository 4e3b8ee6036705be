"""The key hierarchy: entry ciphertext <- collection data key <- server KEK or password key.

Associated data binds every ciphertext to where it belongs, so a row copied onto another entry,
user or collection fails to decrypt instead of showing someone else's text."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from domains.journal.errors import DecryptionFailed, WrongCollectionPassword
from domains.journal.model import Collection, KdfParameters, WrappedKey
from domains.journal.ports import Cipher, KeyEncryptionKey, PasswordKdf


def collection_context(user_id: str, collection_id: str) -> bytes:
    return f"refocused/journal/collection/{user_id}/{collection_id}".encode()


def entry_context(user_id: str, entry_id: str, version: int) -> bytes:
    return f"refocused/journal/entry/v{version}/{user_id}/{entry_id}".encode()


def gratitude_context(user_id: str, gratitude_id: str, version: int) -> bytes:
    return f"refocused/journal/gratitude/v{version}/{user_id}/{gratitude_id}".encode()


@dataclass(frozen=True)
class Keyring:
    cipher: Cipher
    kek: KeyEncryptionKey
    kdf: PasswordKdf

    async def wrap(
        self, data_key: bytes, context: bytes, password: str | None = None
    ) -> WrappedKey:
        if password is None:
            return WrappedKey(await self.kek.wrap(data_key, context))
        parameters = self.kdf.new_parameters()
        password_key = await self.kdf.derive(password, parameters)
        return WrappedKey(self.cipher.seal(password_key, data_key, context), parameters)

    async def unwrap_with_server_key(self, key: WrappedKey, context: bytes) -> bytes:
        assert key.kdf is None, "a protected key needs its password"
        return await self.kek.unwrap(key.wrapped, context)

    async def unwrap_with_password(
        self, key: WrappedKey, context: bytes, password: str, field: str = "password"
    ) -> bytes:
        """A wrong password fails the cipher's authentication: no separate verifier is stored."""
        assert key.kdf is not None
        password_key = await self.kdf.derive(password, key.kdf)
        try:
            return self.cipher.open(password_key, key.wrapped, context)
        except DecryptionFailed:
            raise WrongCollectionPassword(field) from None

    async def collection_key(self, collection: Collection, password: str | None = None) -> bytes:
        context = collection_context(collection.user_id, collection.id)
        if collection.key.kdf is None:
            return await self.unwrap_with_server_key(collection.key, context)
        if password is None:
            raise WrongCollectionPassword()
        return await self.unwrap_with_password(collection.key, context, password)


def kdf_description(parameters: KdfParameters) -> dict[str, object]:
    """What an export needs to re-derive the key offline."""
    return {
        "algorithm": "argon2id",
        "version": 19,
        "salt": base64.b64encode(parameters.salt).decode(),
        "memory_kib": parameters.memory_kib,
        "time_cost": parameters.time_cost,
        "parallelism": parameters.parallelism,
        "hash_length": 32,
    }
