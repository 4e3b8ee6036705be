"""The SQLite engine's connection settings, whatever the host's SQLite build defaults to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from adapters.sql.engine import create_engine

MARKER = "erased-address-7f3c@example.com"


async def test_deleted_rows_leave_no_bytes_in_the_file_even_without_a_secure_delete_build(
    tmp_path: Path,
) -> None:
    path = tmp_path / "e.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")

    # Runs before the engine's own settings, as a build without SQLITE_SECURE_DELETE would.
    @event.listens_for(engine.sync_engine, "connect", insert=True)
    def _insecure_build(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA secure_delete=OFF")
        cursor.close()

    async with engine.begin() as c:
        await c.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
        for i in range(20):
            await c.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": f"{MARKER} {i}"})
    async with engine.begin() as c:
        assert (await c.execute(text("PRAGMA secure_delete"))).scalar_one() == 1
        await c.execute(text("DELETE FROM t"))
    await engine.dispose()  # the last connection to close folds the write-ahead log in
    assert MARKER.encode() not in _bytes_of(tmp_path)


def _bytes_of(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir())
