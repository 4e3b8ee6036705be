"""Access grants for protected collections.

A grant is a random token the client holds. The cache stores, under a hash of the token, the
collection's data key sealed with a key derived from the token itself: the cache alone (a
Redis dump, say) reveals no data key, a grant expires on its own after a few minutes, and
locking deletes it at once. A grant also records a fingerprint of the wrapped key, so changing
or removing the password ends every grant issued before."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from domains.journal.errors import DecryptionFailed
from domains.journal.model import Collection, Grant
from domains.journal.ports import Cipher
from domains.shared.cache import Cache

MAX_GRANTS_PER_REQUEST = 20


def _fingerprint(collection: Collection) -> str:
    return hashlib.sha256(collection.key.wrapped).hexdigest()[:32]


def _context(user_id: str, collection_id: str) -> bytes:
    return f"refocused/journal/grant/{user_id}/{collection_id}".encode()


@dataclass
class GrantStore:
    cache: Cache
    cipher: Cipher
    ttl_seconds: int = 300

    @staticmethod
    def _cache_key(token: str) -> str:
        return "journal:grant:" + hashlib.sha256(b"id:" + token.encode()).hexdigest()

    @staticmethod
    def _token_key(token: str) -> bytes:
        return hmac.new(token.encode(), b"refocused/journal/grant-key", hashlib.sha256).digest()

    async def issue(self, collection: Collection, data_key: bytes) -> Grant:
        token = secrets.token_urlsafe(32)
        sealed = self.cipher.seal(
            self._token_key(token), data_key, _context(collection.user_id, collection.id)
        )
        record = {
            "u": collection.user_id,
            "c": collection.id,
            "f": _fingerprint(collection),
            "k": base64.b64encode(sealed).decode(),
        }
        await self.cache.set(self._cache_key(token), json.dumps(record).encode(), self.ttl_seconds)
        return Grant(token=token, collection_id=collection.id, expires_in=self.ttl_seconds)

    async def resolve(self, user_id: str, tokens: Sequence[str]) -> dict[str, GrantedKey]:
        """The collections these tokens unlock for `user_id`; unknown, expired and other users'
        tokens are ignored (a stale grant behaves like none)."""
        keys: dict[str, GrantedKey] = {}
        for token in list(dict.fromkeys(tokens))[:MAX_GRANTS_PER_REQUEST]:
            if not token or len(token) > 128:
                continue
            raw = await self.cache.get(self._cache_key(token))
            if raw is None:
                continue
            try:
                record = json.loads(raw)
                if record["u"] != user_id:
                    continue
                data_key = self.cipher.open(
                    self._token_key(token),
                    base64.b64decode(record["k"]),
                    _context(user_id, record["c"]),
                )
            except (ValueError, KeyError, TypeError, DecryptionFailed):
                continue
            keys[record["c"]] = GrantedKey(data_key, record["f"])
        return keys

    async def revoke(self, tokens: Sequence[str]) -> None:
        for token in list(dict.fromkeys(tokens))[:MAX_GRANTS_PER_REQUEST]:
            if token and len(token) <= 128:
                await self.cache.delete(self._cache_key(token))


@dataclass(frozen=True)
class GrantedKey:
    data_key: bytes
    fingerprint: str

    def valid_for(self, collection: Collection) -> bool:
        return hmac.compare_digest(self.fingerprint, _fingerprint(collection))
