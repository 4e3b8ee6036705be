"""Fakes every domain's tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar, Self

from domains.shared.errors import NotFound
from domains.shared.events import ProductiveAction


class AutoCommitUnitOfWork:
    """A unit of work over in-memory fakes that see every change at once (no rollback)."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        return None


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


class FakeZones:
    """Users' IANA time zones by id; an unknown user is NotFound, as the SQL adapter says."""

    def __init__(self, **zones: str) -> None:
        self.zones = dict(zones)

    async def zone_of(self, user_id: str) -> str:
        if user_id not in self.zones:
            raise NotFound("no such user")
        return self.zones[user_id]


class FakeEvents:
    """Records every published event."""

    def __init__(self) -> None:
        self.published: list[ProductiveAction] = []

    async def publish(self, event: ProductiveAction) -> None:
        self.published.append(event)
