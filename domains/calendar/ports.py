"""The calendar's view of other domains: sections it asks for a day's summary."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol


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
