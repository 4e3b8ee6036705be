"""The composition root's streak subscription: an action that is already saved never fails
because the streak could not be counted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from structlog.testing import capture_logs

from domains.shared.events import InProcessEventBus, ProductiveAction
from domains.streaks.ports import StreakUnitOfWork
from domains.streaks.use_cases import StreakService
from entrypoints.composition.daily_life import subscribe_app_streak


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 5, 4, 9, tzinfo=UTC)


class Zones:
    async def zone_of(self, user_id: str) -> str:
        return "UTC"


def database_down() -> StreakUnitOfWork:
    raise ConnectionError("database unreachable")


async def test_a_failing_streak_is_logged_and_the_publisher_carries_on() -> None:
    bus = InProcessEventBus()
    subscribe_app_streak(bus, StreakService(database_down, Zones(), Clock()))
    later: list[ProductiveAction] = []

    async def next_handler(event: ProductiveAction) -> None:
        later.append(event)

    bus.subscribe(next_handler)
    event = ProductiveAction("u-1", "focus_session", Clock().now())
    with capture_logs() as logs:
        await bus.publish(event)
    assert later == [event]
    [entry] = [e for e in logs if e["event"] == "streak.record_failed"]
    assert (entry["user_id"], entry["kind"], entry["error_type"]) == (
        "u-1",
        "focus_session",
        "ConnectionError",
    )


async def test_without_the_subscription_the_failure_would_reach_the_publisher() -> None:
    bus = InProcessEventBus()
    bus.subscribe(StreakService(database_down, Zones(), Clock()).record)
    with pytest.raises(ConnectionError):
        await bus.publish(ProductiveAction("u-1", "focus_session", Clock().now()))
