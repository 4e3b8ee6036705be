"""Journal benchmark (not a test): what decrypting in the service costs. Search has no
plaintext index, so it opens every readable entry; this measures that against entry count, plus
the argon2id unlock and one entry's seal and open.

    .venv/bin/python benchmarks/journal/search.py [--entries 2000] [--words 300]

Uses a SQLite file in a temporary folder and the production argon2id cost (19 MiB, t=2, p=1).
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from adapters.cache import StoreCache
from adapters.memory.stores import InMemoryRateLimiter
from adapters.security.journal_crypto import AesGcmCipher, Argon2idKdf, SettingsKeyEncryptionKey
from adapters.sql.engine import create_engine
from adapters.sql.identity import SqlAlchemyIdentityUnitOfWork
from adapters.sql.journal import SqlAlchemyJournalUnitOfWork
from adapters.sql.migrate import upgrade
from adapters.sql.user_time_zones import SqlAlchemyUserTimeZones
from adapters.system.clock import SystemClock
from domains.identity.model import User
from domains.journal.access import CollectionAccess
from domains.journal.collections import CollectionService
from domains.journal.entries import EntryService
from domains.journal.grants import GrantStore
from domains.journal.keys import Keyring
from domains.journal.model import EntryDraft
from domains.shared.days import UserDays

PASSPHRASE = "benchmark passphrase"
WORDS = "calm focus walk river coffee letter morning tired grateful rain friend work".split()


async def main(entries: int, words: int) -> None:
    folder = Path(tempfile.mkdtemp())
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    await upgrade(engine)
    now = datetime.now(UTC)
    user = User(str(uuid.uuid4()), "bench@example.com", "Bench", "UTC", now, now)
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.commit()
    cipher, clock = AesGcmCipher(), SystemClock()
    access = CollectionAccess(
        Keyring(
            cipher,
            SettingsKeyEncryptionKey(bytes(32)),
            Argon2idKdf(memory_kib=19 * 1024, time_cost=2),
        ),
        GrantStore(StoreCache.memory(), cipher),
        InMemoryRateLimiter(),
    )
    collections = CollectionService(lambda: SqlAlchemyJournalUnitOfWork(engine), access, clock)
    entry_service = EntryService(
        lambda: SqlAlchemyJournalUnitOfWork(engine),
        access,
        clock,
        UserDays(SqlAlchemyUserTimeZones(engine), clock),
    )
    vault = await collections.create_collection(user.id, "Vault", password=PASSPHRASE)
    started = time.perf_counter()
    grant = (await collections.unlock(user.id, vault.id, PASSPHRASE)).token
    unlock_ms = (time.perf_counter() - started) * 1000
    rng = random.Random(7)
    started = time.perf_counter()
    for i in range(entries):
        text = " ".join(rng.choice(WORDS) for _ in range(words))
        draft = EntryDraft(f"Entry {i}", {"ops": [{"insert": text + "\n"}]}, ["bench"])
        await entry_service.create_entry(user.id, vault.id, draft, [grant])
    write_ms = (time.perf_counter() - started) * 1000 / entries
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        _, total = await entry_service.search(user.id, "grateful river", [grant])
        timings.append(time.perf_counter() - started)
    await engine.dispose()
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}"
    )
    print(f"argon2id unlock (19 MiB, t=2): {unlock_ms:.0f} ms")
    print(f"create entry ({words} words, seal + insert): {write_ms:.2f} ms each")
    print(
        f"search over {entries} entries: median {sorted(timings)[2] * 1000:.0f} ms "
        f"({total} hits), {sorted(timings)[2] / entries * 1e6:.0f} us per entry"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--words", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.entries, args.words))
