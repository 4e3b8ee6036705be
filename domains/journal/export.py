"""How journal data leaves in an export: plaintext where it may be read, and otherwise the
ciphertext with everything needed to decrypt it offline with the collection's password."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from domains.journal.keys import collection_context, entry_context, kdf_description
from domains.journal.model import Collection, Entry, SealedEntry


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "title": entry.title,
        "content": entry.content,
        "tags": entry.tags,
        "mood_entry_id": entry.mood_entry_id,
        "word_count": entry.word_count,
        "written_on": entry.written_on.isoformat(),
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
    }


def encrypted_collection(
    collection: Collection, rows: Sequence[SealedEntry], algorithm: str
) -> dict[str, Any]:
    assert collection.key.kdf is not None
    return {
        "cipher": algorithm,
        "data_key": {
            "wrapped": _b64(collection.key.wrapped),
            "associated_data": collection_context(collection.user_id, collection.id).decode(),
            "wrapped_with": kdf_description(collection.key.kdf),
        },
        "entries": [
            {
                "id": row.id,
                "format_version": row.format_version,
                "ciphertext": _b64(row.ciphertext),
                "associated_data": entry_context(row.user_id, row.id, row.format_version).decode(),
                "payload": 'JSON {"title", "content" (Quill delta), "tags"}',
                "written_on": row.written_on.isoformat(),
                "created_at": row.created_at.isoformat(),
                "updated_at": row.updated_at.isoformat(),
            }
            for row in rows
        ],
    }
