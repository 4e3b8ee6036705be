"""The journal's cryptography: AES-256-GCM for data and key wrapping, argon2id (raw, through
argon2-cffi's low-level API) for collection passwords, and the server key-encryption key."""

from __future__ import annotations

import asyncio
import os

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domains.journal.errors import DecryptionFailed
from domains.journal.model import KdfParameters

_NONCE = 12
_TAG = 16


class AesGcmCipher:
    """AES-256-GCM with a random 96-bit nonce per message. Keys here encrypt far fewer than the
    2**32 messages after which random nonces risk repeating."""

    algorithm = "AES-256-GCM; sealed = nonce (12 bytes) || ciphertext || tag (16 bytes)"

    def new_key(self) -> bytes:
        return AESGCM.generate_key(bit_length=256)

    def seal(self, key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)

    def open(self, key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
        if len(sealed) < _NONCE + _TAG or len(key) != 32:
            raise DecryptionFailed("malformed ciphertext or key")
        try:
            return AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], associated_data)
        except InvalidTag as e:
            raise DecryptionFailed("authentication failed") from e


class SettingsKeyEncryptionKey:
    """The KEK from settings (REFOCUSED_JOURNAL_KEK). Production swaps in a KMS behind the same
    port; the wrapped keys name no KEK version yet, so rotating means re-wrapping every key."""

    def __init__(self, kek: bytes, cipher: AesGcmCipher | None = None) -> None:
        if len(kek) != 32:
            raise ValueError("the journal key-encryption key must be 32 bytes")
        self._kek = kek
        self._cipher = cipher or AesGcmCipher()

    async def wrap(self, data_key: bytes, context: bytes) -> bytes:
        return self._cipher.seal(self._kek, data_key, context)

    async def unwrap(self, wrapped: bytes, context: bytes) -> bytes:
        return self._cipher.open(self._kek, wrapped, context)


class Argon2idKdf:
    """Raw argon2id output used as a key (not a password hash: nothing to verify against; a
    wrong password simply fails to unwrap). Runs in worker threads, at most `concurrency` at
    once, so the memory it takes stays bounded and the event loop never stalls."""

    def __init__(
        self,
        memory_kib: int = 64 * 1024,
        time_cost: int = 3,
        parallelism: int = 1,
        concurrency: int = 2,
    ) -> None:
        self._memory_kib = memory_kib
        self._time_cost = time_cost
        self._parallelism = parallelism
        self._slots = asyncio.Semaphore(concurrency)

    def new_parameters(self) -> KdfParameters:
        return KdfParameters(
            salt=os.urandom(16),
            memory_kib=self._memory_kib,
            time_cost=self._time_cost,
            parallelism=self._parallelism,
        )

    async def derive(self, password: str, parameters: KdfParameters) -> bytes:
        async with self._slots:
            return await asyncio.to_thread(
                hash_secret_raw,
                password.encode(),
                parameters.salt,
                time_cost=parameters.time_cost,
                memory_cost=parameters.memory_kib,
                parallelism=parameters.parallelism,
                hash_len=32,
                type=Type.ID,
            )
