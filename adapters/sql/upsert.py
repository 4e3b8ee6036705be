from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def insert_on_conflict(connection: AsyncConnection, table: Table) -> Any:
    """An INSERT that takes ON CONFLICT clauses, spelled alike by both dialects: counters and
    idempotent marks are then single atomic statements."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


async def upsert(
    connection: AsyncConnection, table: Table, values: Mapping[str, Any], key: Sequence[str]
) -> None:
    """INSERT ... ON CONFLICT (key) DO UPDATE: one atomic statement on SQLite and PostgreSQL."""
    statement = insert_on_conflict(connection, table).values(**values)
    changes = {name: statement.excluded[name] for name in values if name not in key}
    await connection.execute(statement.on_conflict_do_update(index_elements=key, set_=changes))
