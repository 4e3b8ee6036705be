"""Schema changes go through migrations: they build exactly the tables the code declares, on
both databases, and can be undone."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import create_engine
from adapters.sql.migrate import downgrade, pending, upgrade
from adapters.sql.tables import metadata
from tests.support.servers import postgres_database


async def _differences(engine: AsyncEngine) -> list[object]:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), metadata
            )
        )


async def test_migrations_match_the_declared_tables_on_sqlite(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    await upgrade(engine)
    assert await pending(engine) == set()
    assert await _differences(engine) == []
    await engine.dispose()


def test_migrations_match_the_declared_tables_on_postgres_and_undo_cleanly() -> None:
    import asyncio

    async def check(url: str) -> None:
        engine = create_engine(url)
        assert await pending(engine)  # an empty database has everything to do
        await upgrade(engine)
        assert await _differences(engine) == []
        await downgrade(engine, "base")
        async with engine.connect() as c:
            tables = await c.run_sync(lambda s: s.dialect.get_table_names(s))
        assert set(tables) <= {"alembic_version"}
        await upgrade(engine)
        assert await pending(engine) == set()
        await engine.dispose()

    with postgres_database() as url:
        asyncio.run(check(url))


def test_instances_starting_together_migrate_once_without_failing() -> None:
    import asyncio

    async def check(url: str) -> None:
        engines = [create_engine(url) for _ in range(3)]
        await asyncio.gather(*(upgrade(e) for e in engines))
        assert await pending(engines[0]) == set()
        for e in engines:
            await e.dispose()

    with postgres_database() as url:
        asyncio.run(check(url))


async def test_stored_addresses_are_rewritten_to_their_canonical_form(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import insert, select

    from adapters.sql.tables.identity import users

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    await upgrade(engine, "0001_identity")
    now = datetime.now(UTC)
    stored = {
        "1": "ada@example.com",
        "2": "bob@bücher.example",
        "3": "cy@example.com.",
        "4": "\uff44\uff41\uff4e@example.com",  # fullwidth
        "5": "ada@example.com.",  # a look-alike of 1: left as it was
        "6": "e\x00ve@example.com",  # refused now: left as it was
    }
    async with engine.begin() as connection:
        for user_id, email in stored.items():
            await connection.execute(
                insert(users).values(
                    id=user_id,
                    email=email,
                    email_verified=False,
                    display_name="x",
                    time_zone="UTC",
                    created_at=now,
                    updated_at=now,
                )
            )
    await upgrade(engine)
    async with engine.connect() as connection:
        rows = dict((await connection.execute(select(users.c.id, users.c.email))).all())
    await engine.dispose()
    assert rows == {
        "1": "ada@example.com",
        "2": "bob@xn--bcher-kva.example",
        "3": "cy@example.com",
        "4": "dan@example.com",
        "5": "ada@example.com.",
        "6": "e\x00ve@example.com",
    }


async def test_sessions_left_running_side_by_side_keep_only_the_newest_running(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert, select

    from adapters.sql.tables.identity import users
    from adapters.sql.tables.pomodoro import pomodoro_sessions

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    await upgrade(engine, "0010_pomodoro")
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    async with engine.begin() as connection:
        for user_id in ("u1", "u2"):
            await connection.execute(
                insert(users).values(
                    id=user_id,
                    email=f"{user_id}@example.com",
                    email_verified=False,
                    display_name="x",
                    time_zone="UTC",
                    created_at=now,
                    updated_at=now,
                )
            )
        for sid, user_id, minutes in (
            ("a", "u1", 0),
            ("b", "u1", 5),
            ("c", "u1", 3),
            ("d", "u2", 0),
        ):
            await connection.execute(
                insert(pomodoro_sessions).values(
                    id=sid,
                    user_id=user_id,
                    kind="focus",
                    status="running",
                    planned_seconds=1500,
                    tasks_done=0,
                    started_at=now + timedelta(minutes=minutes),
                )
            )
    await upgrade(engine)
    async with engine.connect() as connection:
        rows = dict(
            (
                await connection.execute(select(pomodoro_sessions.c.id, pomodoro_sessions.c.status))
            ).all()
        )
    await engine.dispose()
    assert rows == {"a": "abandoned", "b": "running", "c": "abandoned", "d": "running"}
