"""Entries and gratitude items to and from their stored, encrypted form."""

from __future__ import annotations

import json

from domains.journal.errors import DecryptionFailed, UnreadableEntry
from domains.journal.keys import Keyring, entry_context, gratitude_context
from domains.journal.model import (
    ENTRY_FORMAT_VERSION,
    GRATITUDE_FORMAT_VERSION,
    Entry,
    Gratitude,
    SealedEntry,
    SealedGratitude,
)
from domains.journal.ports import Cipher


def seal_entry(cipher: Cipher, key: bytes, user_id: str, entry: Entry) -> SealedEntry:
    """Title, delta and tags go into one ciphertext; dates and the word count stay beside it
    for ordering and stats."""
    payload = json.dumps(
        {"title": entry.title, "content": entry.content, "tags": entry.tags},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    context = entry_context(user_id, entry.id, ENTRY_FORMAT_VERSION)
    return SealedEntry(
        id=entry.id,
        user_id=user_id,
        collection_id=entry.collection_id,
        ciphertext=cipher.seal(key, payload, context),
        format_version=ENTRY_FORMAT_VERSION,
        word_count=entry.word_count,
        written_on=entry.written_on,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
        mood_entry_id=entry.mood_entry_id,
    )


def open_entry(cipher: Cipher, key: bytes, sealed: SealedEntry) -> Entry:
    """Raises UnreadableEntry when the ciphertext or anything bound to it was altered."""
    context = entry_context(sealed.user_id, sealed.id, sealed.format_version)
    try:
        payload = json.loads(cipher.open(key, sealed.ciphertext, context))
    except (DecryptionFailed, ValueError):
        raise UnreadableEntry() from None
    return Entry(
        id=sealed.id,
        collection_id=sealed.collection_id,
        title=payload["title"],
        content=payload["content"],
        tags=payload["tags"],
        word_count=sealed.word_count,
        written_on=sealed.written_on,
        created_at=sealed.created_at,
        updated_at=sealed.updated_at,
        mood_entry_id=sealed.mood_entry_id,
    )


async def seal_gratitude(keyring: Keyring, user_id: str, item: Gratitude) -> SealedGratitude:
    """Gratitude has no collection: each item has its own data key under the server key."""
    data_key = keyring.cipher.new_key()
    context = gratitude_context(user_id, item.id, GRATITUDE_FORMAT_VERSION)
    return SealedGratitude(
        id=item.id,
        user_id=user_id,
        on_date=item.on_date,
        key=await keyring.wrap(data_key, context),
        ciphertext=keyring.cipher.seal(data_key, item.text.encode(), context),
        format_version=GRATITUDE_FORMAT_VERSION,
        created_at=item.created_at,
    )


async def open_gratitude(keyring: Keyring, sealed: SealedGratitude) -> Gratitude:
    context = gratitude_context(sealed.user_id, sealed.id, sealed.format_version)
    try:
        data_key = await keyring.unwrap_with_server_key(sealed.key, context)
        text = keyring.cipher.open(data_key, sealed.ciphertext, context).decode()
    except (DecryptionFailed, UnicodeDecodeError):
        raise UnreadableEntry() from None
    return Gratitude(sealed.id, sealed.on_date, text, sealed.created_at)
