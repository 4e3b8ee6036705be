"""Fakes every domain's tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar


class FakeClock:
    """A clock the test moves by hand. Subclass to start at another instant."""

    start: ClassVar[datetime] = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or self.start

    def now(self) -> datetime:
        return self.current

    def set(self, now: datetime) -> None:
        self.current = now.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
