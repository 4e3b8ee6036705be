"""The journal's export (GET /journal/export, with the request's grants) and its part of
account export and erasure (no grants travel with an account export)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domains.journal.access import CollectionAccess, Grants
from domains.journal.export import encrypted_collection, entry_json
from domains.journal.model import SealedEntry
from domains.journal.ports import JournalUnitOfWork
from domains.journal.sealing import open_entry, open_gratitude


@dataclass(frozen=True)
class JournalUserData:
    uow: Callable[[], JournalUnitOfWork]
    access: CollectionAccess
    name: str = "journal"

    async def export(self, user_id: str, grants: Grants = ()) -> dict[str, Any]:
        """Plaintext for what may be read now; the rest as ciphertext with everything needed to
        decrypt it offline with the password, so nothing is lost."""
        keyring = self.access.keyring
        async with self.uow() as uow:
            collections = await uow.collections.list_for_user(user_id)
            keys = await self.access.readable_keys(uow, user_id, grants, None)
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
                    entry_json(open_entry(keyring.cipher, keys[c.id], row))
                    for row in by_collection[c.id]
                ]
            else:
                item["encrypted"] = encrypted_collection(
                    c, by_collection[c.id], keyring.cipher.algorithm
                )
            exported.append(item)
        return {
            "collections": exported,
            "gratitude": [
                {"id": g.id, "on_date": g.on_date.isoformat(), "text": g.text}
                for g in [await open_gratitude(keyring, row) for row in gratitude]
            ],
        }

    async def erase(self, user_id: str) -> None:
        async with self.uow() as uow:
            await uow.gratitude.delete_for_user(user_id)
            await uow.collections.delete_for_user(user_id)
            await uow.commit()
