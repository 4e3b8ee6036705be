"""Schema changes go through Alembic migrations, never `create_all`.

Each domain keeps its own branch of revisions (branch label = domain name) that depends on the
identity branch, so domains add tables without touching each other's history; upgrading to
"heads" applies every branch.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


#: Several instances may start at once and each run the migrations; on PostgreSQL they take
#: turns on this advisory lock, so only the first one changes the schema.
_MIGRATION_LOCK = 0x5245464F  # "REFO"


async def upgrade(engine: AsyncEngine, target: str = "heads") -> None:
    config = alembic_config()

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, target)

    async with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            await connection.execute(text(f"SELECT pg_advisory_lock({_MIGRATION_LOCK})"))
            await connection.commit()
        try:
            await connection.run_sync(run)
            await connection.commit()
        finally:
            if postgres:
                await connection.execute(text(f"SELECT pg_advisory_unlock({_MIGRATION_LOCK})"))
                await connection.commit()


async def downgrade(engine: AsyncEngine, target: str = "base") -> None:
    config = alembic_config()

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.downgrade(config, target)

    async with engine.connect() as connection:
        await connection.run_sync(run)
        await connection.commit()


async def pending(engine: AsyncEngine) -> set[str]:
    """Revisions that are in the code but not yet applied: empty when the schema is current."""
    script = ScriptDirectory.from_config(alembic_config())
    heads = set(script.get_heads())

    def current(connection: Connection) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    async with engine.connect() as connection:
        applied = await connection.run_sync(current)
    # A branch that `depends_on` identity stands in for it in alembic_version, so identity's
    # head counts as applied when any applied revision reaches it.
    reached = {r.revision for r in script.iterate_revisions(tuple(applied), "base")}
    return heads - reached
