"""Which unique constraint a write broke, on both databases, from what the driver reports
(the constraint's name, SQLite's extended code and column list), not from message wording."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, ForeignKey, MetaData, String, Table, UniqueConstraint, exc, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.constraints import unique_columns

metadata = MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})
parents = Table("constraint_probe_parents", metadata, Column("id", String, primary_key=True))
probe = Table(
    "constraint_probe",
    metadata,
    Column("id", String, primary_key=True),
    Column("owner", String, nullable=False),
    Column("key", String, nullable=False),
    Column("code", String, nullable=True, unique=True),
    Column("parent", String, ForeignKey(parents.c.id), nullable=True),
    UniqueConstraint("owner", "key"),
)


@pytest.fixture
async def tables(engine: AsyncEngine) -> AsyncEngine:
    async with engine.begin() as c:
        await c.run_sync(metadata.drop_all)
        await c.run_sync(metadata.create_all)
        if engine.dialect.name == "sqlite":
            await c.exec_driver_sql("PRAGMA foreign_keys = ON")
        await c.execute(insert(probe).values(id="1", owner="ada", key="read", code="A"))
    return engine


async def _refused(engine: AsyncEngine, **row: str) -> exc.IntegrityError:
    with pytest.raises(exc.IntegrityError) as refused:
        async with engine.begin() as c:
            if engine.dialect.name == "sqlite":
                await c.exec_driver_sql("PRAGMA foreign_keys = ON")
            await c.execute(insert(probe).values(**row))
    return refused.value


async def test_each_unique_constraint_is_told_apart(tables: AsyncEngine) -> None:
    pair = await _refused(tables, id="2", owner="ada", key="read")
    assert unique_columns(pair, probe) == {"owner", "key"}
    single = await _refused(tables, id="3", owner="bob", key="read", code="A")
    assert unique_columns(single, probe) == {"code"}
    key = await _refused(tables, id="1", owner="cy", key="walk")
    assert unique_columns(key, probe) != {"owner", "key"}


async def test_a_broken_foreign_key_or_another_tables_constraint_is_not_a_unique_one(
    tables: AsyncEngine,
) -> None:
    orphan = await _refused(tables, id="4", owner="dee", key="run", parent="nobody")
    assert unique_columns(orphan, probe) is None
    pair = await _refused(tables, id="5", owner="ada", key="read")
    assert unique_columns(pair, parents) is None
