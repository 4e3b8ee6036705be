"""Changes written straight to the production profile's database, as tests need them."""

from __future__ import annotations

import asyncio

from sqlalchemy import Update

from adapters.sql.engine import create_engine


def behind_the_apis_back(database_url: str, statement: Update) -> None:
    """A change written straight to the database: no request of the user's, no version moved."""

    async def run() -> None:
        engine = create_engine(database_url)
        try:
            async with engine.begin() as c:
                await c.execute(statement)
        finally:
            await engine.dispose()

    asyncio.run(run())
