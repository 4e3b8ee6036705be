"""The calendar's view of other domains: sections it asks for a day's summary, and the read
scope it asks them in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import date
from typing import Any, Protocol

#: Opens one read for a whole view: the sections asked inside the block read together (on SQL,
#: one connection and one read-only transaction, one snapshot) instead of each on its own.
#: Nothing may be written through it: a SQL write there fails loudly (the daily content's cache
#: write is not SQL and opens no unit of work).
ReadScope = Callable[[], AbstractAsyncContextManager[None]]


@asynccontextmanager
async def separate_reads() -> AsyncIterator[None]:
    """The read scope that shares nothing: each section reads on its own (no SQL behind it)."""
    yield


class DaySection(Protocol):
    #: The key under which the section appears in the day view.
    name: str

    async def on(self, user_id: str, day: date) -> Any:
        """A JSON-compatible summary of the user's local `day` in this section's domain."""
        ...


class MonthSection(Protocol):
    """A section that can also summarise a whole month at once (one query, not thirty)."""

    name: str

    async def between(self, user_id: str, start: date, end: date) -> dict[date, Any]:
        """Summaries for the days from start to end that have something; others are left out."""
        ...


class DashboardPanel(Protocol):
    """Something the dashboard shows that is not tied to one day (a streak, the daily quote)."""

    name: str

    async def panel(self, user_id: str, today: date) -> Any: ...
