from __future__ import annotations

import asyncio
from dataclasses import dataclass

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


@dataclass(frozen=True, slots=True)
class Argon2Parameters:
    """Defaults are OWASP's minimum for argon2id (19 MiB, t=2, p=1): about 30 ms on 2 cores."""

    memory_kib: int = 19 * 1024
    time_cost: int = 2
    parallelism: int = 1


class Argon2PasswordHasher:
    """argon2id, run in a worker thread (the C code releases the GIL) so a login never stalls
    the event loop; at most `concurrency` hashes at once bound the memory they take."""

    def __init__(self, parameters: Argon2Parameters | None = None, concurrency: int = 4) -> None:
        p = parameters or Argon2Parameters()
        self._hasher = _Argon2(
            time_cost=p.time_cost,
            memory_cost=p.memory_kib,
            parallelism=p.parallelism,
            type=Type.ID,
        )
        self._slots = asyncio.Semaphore(concurrency)
        # Verified against when the account does not exist, to spend the same time.
        self._dummy = self._hasher.hash("refocused-timing-equaliser")

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy, password) and (
                password_hash is not None
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True
