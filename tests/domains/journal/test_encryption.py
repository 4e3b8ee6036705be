"""Entries are sealed with AES-256-GCM under their collection's data key, bound to entry id,
user id and format version; protected collections' keys open only with the password."""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.security.journal_crypto import Argon2idKdf
from domains.journal.errors import (
    CollectionLocked,
    UnreadableEntry,
    WrongCollectionPassword,
)
from domains.journal.model import EntryChanges, EntryDraft
from domains.shared.errors import RateLimited
from tests.domains.journal.conftest import ALICE, World, delta

SECRET = "the secret I never told anyone"


async def test_an_entry_reads_back_exactly_as_written(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    content = {"ops": [{"insert": "Bold", "attributes": {"bold": True}}, {"insert": " day\n"}]}
    written = await world.entries.create_entry(
        ALICE, c.id, EntryDraft("Monday", content, ["Work", "calm"])
    )
    read = await world.entries.get_entry(ALICE, written.id)
    assert (read.title, read.content, read.tags) == ("Monday", content, ["work", "calm"])
    assert read.word_count == 3


async def test_the_stored_entry_holds_no_plaintext(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    entry = await world.entries.create_entry(
        ALICE, c.id, EntryDraft("Private title", delta(SECRET), ["hidden-tag"])
    )
    stored = world.store.entries[entry.id]
    for secret in (b"Private title", SECRET.encode(), b"hidden-tag", b"secret"):
        assert secret not in stored.ciphertext


async def test_each_write_uses_a_fresh_nonce(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    entry = await world.entries.create_entry(ALICE, c.id, EntryDraft("Same", delta("same")))
    first = world.store.entries[entry.id].ciphertext
    await world.entries.update_entry(ALICE, entry.id, EntryChanges(title="Same"))
    second = world.store.entries[entry.id].ciphertext
    assert first[:12] != second[:12] and first != second


async def test_a_tampered_ciphertext_is_refused(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    entry = await world.entries.create_entry(ALICE, c.id, EntryDraft("T", delta(SECRET)))
    stored = world.store.entries[entry.id]
    flipped = bytearray(stored.ciphertext)
    flipped[20] ^= 0x01
    stored.ciphertext = bytes(flipped)
    with pytest.raises(UnreadableEntry):
        await world.entries.get_entry(ALICE, entry.id)


async def test_ciphertext_moved_onto_another_entry_does_not_decrypt(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    one = await world.entries.create_entry(ALICE, c.id, EntryDraft("One", delta("first")))
    two = await world.entries.create_entry(ALICE, c.id, EntryDraft("Two", delta("second")))
    # Same key, valid ciphertext, but its associated data names the other entry's id.
    world.store.entries[two.id].ciphertext = world.store.entries[one.id].ciphertext
    with pytest.raises(UnreadableEntry):
        await world.entries.get_entry(ALICE, two.id)


async def test_a_changed_format_version_does_not_decrypt(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    entry = await world.entries.create_entry(ALICE, c.id, EntryDraft("T", delta("x")))
    world.store.entries[entry.id].format_version = 2
    with pytest.raises(UnreadableEntry):
        await world.entries.get_entry(ALICE, entry.id)


async def test_a_protected_collection_is_unreadable_without_its_password(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Vault", password="open sesame")
    with pytest.raises(CollectionLocked):
        await world.entries.create_entry(ALICE, c.id, EntryDraft("T", delta("x")))
    grant = await world.collections.unlock(ALICE, c.id, "open sesame")
    entry = await world.entries.create_entry(
        ALICE, c.id, EntryDraft("T", delta(SECRET)), [grant.token]
    )
    with pytest.raises(CollectionLocked):
        await world.entries.get_entry(ALICE, entry.id)
    read = await world.entries.get_entry(ALICE, entry.id, [grant.token])
    assert SECRET in read.plain_text()


async def test_the_server_key_alone_cannot_open_a_protected_collection(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Vault", password="open sesame")
    stored = world.store.collections[c.id]
    assert stored.key.kdf is not None and len(stored.key.kdf.salt) == 16
    with pytest.raises(Exception):  # noqa: B017 (any failure: the KEK is not the key)
        await world.keyring.kek.unwrap(stored.key.wrapped, b"anything")
    other = await world.collections.create_collection(ALICE, "Vault 2", password="open sesame")
    assert world.store.collections[other.id].key.kdf.salt != stored.key.kdf.salt  # type: ignore[union-attr]


async def test_a_wrong_password_fails_and_guessing_is_rate_limited(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Vault", password="open sesame")
    for _ in range(5):
        with pytest.raises(WrongCollectionPassword):
            await world.collections.unlock(ALICE, c.id, "wrong guess")
    with pytest.raises(RateLimited):
        await world.collections.unlock(ALICE, c.id, "open sesame")


async def test_a_grant_expires_and_can_be_revoked(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Vault", password="open sesame")
    grant = await world.collections.unlock(ALICE, c.id, "open sesame")
    entry = await world.entries.create_entry(
        ALICE, c.id, EntryDraft("T", delta("x")), [grant.token]
    )
    world.clock.advance(seconds=301)
    with pytest.raises(CollectionLocked):
        await world.entries.get_entry(ALICE, entry.id, [grant.token])
    again = await world.collections.unlock(ALICE, c.id, "open sesame")
    await world.collections.lock([again.token])
    with pytest.raises(CollectionLocked):
        await world.entries.get_entry(ALICE, entry.id, [again.token])


async def test_the_cache_alone_does_not_reveal_the_data_key(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Vault", password="open sesame")
    grant = await world.collections.unlock(ALICE, c.id, "open sesame")
    data_key = await world.keyring.collection_key(world.store.collections[c.id], "open sesame")
    for value, _ in world.cache.items.values():
        assert data_key not in value and base64.b64encode(data_key) not in value
        assert grant.token.encode() not in value


async def test_a_password_change_keeps_every_entry_readable(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Vault", password="first password")
    grant = await world.collections.unlock(ALICE, c.id, "first password")
    ids = [
        (
            await world.entries.create_entry(
                ALICE, c.id, EntryDraft(f"E{i}", delta(f"text {i}")), [grant.token]
            )
        ).id
        for i in range(3)
    ]
    before = {i: world.store.entries[i].ciphertext for i in ids}
    await world.collections.set_password(
        ALICE, c.id, current_password="first password", new_password="second password"
    )
    # Only the key was re-wrapped: not one entry was re-encrypted.
    assert {i: world.store.entries[i].ciphertext for i in ids} == before
    with pytest.raises(CollectionLocked):  # grants from before the change end with it
        await world.entries.get_entry(ALICE, ids[0], [grant.token])
    with pytest.raises(WrongCollectionPassword):
        await world.collections.unlock(ALICE, c.id, "first password")
    fresh = await world.collections.unlock(ALICE, c.id, "second password")
    titles = {(await world.entries.get_entry(ALICE, i, [fresh.token])).title for i in ids}
    assert titles == {"E0", "E1", "E2"}


async def test_protecting_and_unprotecting_a_collection_keeps_its_entries(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Diary")
    entry = await world.entries.create_entry(ALICE, c.id, EntryDraft("T", delta("kept")))
    await world.collections.set_password(
        ALICE, c.id, current_password=None, new_password="now secret"
    )
    with pytest.raises(CollectionLocked):
        await world.entries.get_entry(ALICE, entry.id)
    await world.collections.set_password(
        ALICE, c.id, current_password="now secret", new_password=None
    )
    assert (await world.entries.get_entry(ALICE, entry.id)).plain_text() == "kept\n"


async def test_moving_an_entry_reseals_it_under_the_new_collection(world: World) -> None:
    diary = await world.collections.create_collection(ALICE, "Diary")
    vault = await world.collections.create_collection(ALICE, "Vault", password="open sesame")
    entry = await world.entries.create_entry(ALICE, diary.id, EntryDraft("T", delta("moving")))
    grant = await world.collections.unlock(ALICE, vault.id, "open sesame")
    await world.entries.update_entry(
        ALICE, entry.id, EntryChanges(collection_id=vault.id), [grant.token]
    )
    with pytest.raises(CollectionLocked):
        await world.entries.get_entry(ALICE, entry.id)
    moved = await world.entries.get_entry(ALICE, entry.id, [grant.token])
    assert moved.collection_id == vault.id and moved.plain_text() == "moving\n"


async def test_an_export_of_a_locked_collection_decrypts_offline_with_the_password(
    world: World,
) -> None:
    c = await world.collections.create_collection(ALICE, "Vault", password="open sesame")
    grant = await world.collections.unlock(ALICE, c.id, "open sesame")
    await world.entries.create_entry(ALICE, c.id, EntryDraft("T", delta(SECRET)), [grant.token])
    exported = await world.user_data.export(ALICE)
    locked = exported["collections"][0]["encrypted"]
    assert SECRET not in json.dumps(exported)
    kdf = locked["data_key"]["wrapped_with"]
    password_key = hash_secret_raw(
        b"open sesame",
        base64.b64decode(kdf["salt"]),
        time_cost=kdf["time_cost"],
        memory_cost=kdf["memory_kib"],
        parallelism=kdf["parallelism"],
        hash_len=32,
        type=Type.ID,
    )

    def open_(key: bytes, sealed_b64: str, aad: str) -> bytes:
        sealed = base64.b64decode(sealed_b64)
        return AESGCM(key).decrypt(sealed[:12], sealed[12:], aad.encode())

    data_key = open_(
        password_key, locked["data_key"]["wrapped"], locked["data_key"]["associated_data"]
    )
    item = locked["entries"][0]
    payload = json.loads(open_(data_key, item["ciphertext"], item["associated_data"]))
    assert payload["content"] == delta(SECRET)


async def test_an_export_with_a_grant_holds_plaintext(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Vault", password="open sesame")
    grant = await world.collections.unlock(ALICE, c.id, "open sesame")
    await world.entries.create_entry(ALICE, c.id, EntryDraft("T", delta(SECRET)), [grant.token])
    exported = await world.user_data.export(ALICE, [grant.token])
    assert exported["collections"][0]["entries"][0]["content"] == delta(SECRET)


async def test_gratitude_is_stored_encrypted(world: World) -> None:
    item = await world.gratitude.add_gratitude(ALICE, "my sister's phone call")
    stored = world.store.gratitude[item.id]
    assert b"sister" not in stored.ciphertext
    items, total = await world.gratitude.list_gratitude(ALICE)
    assert total == 1 and items[0].text == "my sister's phone call"
    stored.ciphertext = stored.ciphertext[:-1] + bytes([stored.ciphertext[-1] ^ 0x80])
    with pytest.raises(UnreadableEntry):
        await world.gratitude.list_gratitude(ALICE)


async def test_a_collection_keeps_the_kdf_parameters_it_was_protected_with(world: World) -> None:
    c = await world.collections.create_collection(ALICE, "Vault", password="open sesame")
    stored = world.store.collections[c.id].key.kdf
    assert stored is not None and (stored.memory_kib, stored.time_cost) == (1024, 1)
    # The server raises its argon2id cost later: old collections still open with their own.
    world.use_keyring(
        dataclasses.replace(world.keyring, kdf=Argon2idKdf(memory_kib=2048, time_cost=2))
    )
    grant = await world.collections.unlock(ALICE, c.id, "open sesame")
    await world.entries.create_entry(ALICE, c.id, EntryDraft("T", delta("x")), [grant.token])
    await world.collections.set_password(
        ALICE, c.id, current_password="open sesame", new_password="open sesame 2"
    )
    raised = world.store.collections[c.id].key.kdf
    assert raised is not None and (raised.memory_kib, raised.time_cost) == (2048, 2)
