"""The journal's cryptography adapters: AES-256-GCM, the settings KEK, argon2id key derivation."""

from __future__ import annotations

import asyncio

import pytest

from adapters.security.journal_crypto import AesGcmCipher, Argon2idKdf, SettingsKeyEncryptionKey
from domains.journal.errors import DecryptionFailed

AAD = b"refocused/journal/entry/v1/user/entry"


def test_sealing_round_trips_with_a_fresh_nonce_each_time() -> None:
    cipher = AesGcmCipher()
    key = cipher.new_key()
    a, b = cipher.seal(key, b"dear diary", AAD), cipher.seal(key, b"dear diary", AAD)
    assert a != b and a[:12] != b[:12]
    assert len(a) == 12 + len(b"dear diary") + 16
    assert cipher.open(key, a, AAD) == cipher.open(key, b, AAD) == b"dear diary"


@pytest.mark.parametrize("where", [0, 12, -1])
def test_any_flipped_bit_fails_to_open(where: int) -> None:
    cipher = AesGcmCipher()
    key = cipher.new_key()
    sealed = bytearray(cipher.seal(key, b"dear diary", AAD))
    sealed[where] ^= 0x01
    with pytest.raises(DecryptionFailed):
        cipher.open(key, bytes(sealed), AAD)


def test_other_associated_data_or_key_fails_to_open() -> None:
    cipher = AesGcmCipher()
    key = cipher.new_key()
    sealed = cipher.seal(key, b"dear diary", AAD)
    with pytest.raises(DecryptionFailed):
        cipher.open(key, sealed, AAD.replace(b"v1", b"v2"))
    with pytest.raises(DecryptionFailed):
        cipher.open(cipher.new_key(), sealed, AAD)
    with pytest.raises(DecryptionFailed):
        cipher.open(key, sealed[:20], AAD)
    with pytest.raises(DecryptionFailed):
        cipher.open(key[:16], sealed, AAD)


async def test_the_kek_unwraps_only_what_it_wrapped_for_that_context() -> None:
    kek = SettingsKeyEncryptionKey(bytes(range(32)))
    data_key = AesGcmCipher().new_key()
    wrapped = await kek.wrap(data_key, b"collection/a")
    assert data_key not in wrapped
    assert await kek.unwrap(wrapped, b"collection/a") == data_key
    with pytest.raises(DecryptionFailed):
        await kek.unwrap(wrapped, b"collection/b")
    with pytest.raises(DecryptionFailed):
        await SettingsKeyEncryptionKey(bytes(32)).unwrap(wrapped, b"collection/a")


def test_a_kek_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        SettingsKeyEncryptionKey(bytes(31))


async def test_argon2id_derives_the_same_key_only_from_the_same_password_and_salt() -> None:
    kdf = Argon2idKdf(memory_kib=1024, time_cost=1)
    params = kdf.new_parameters()
    key = await kdf.derive("open sesame", params)
    assert len(key) == 32 and key == await kdf.derive("open sesame", params)
    assert key != await kdf.derive("open sesame!", params)
    other = kdf.new_parameters()
    assert other.salt != params.salt and key != await kdf.derive("open sesame", other)


async def test_derivations_run_off_the_event_loop() -> None:
    kdf = Argon2idKdf(memory_kib=32 * 1024, time_cost=2, concurrency=2)
    params = kdf.new_parameters()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.001)
            ticks += 1

    task = asyncio.create_task(ticker())
    await asyncio.gather(*(kdf.derive("pw", params) for _ in range(2)))
    task.cancel()
    assert ticks > 3  # the loop kept running while argon2 worked
