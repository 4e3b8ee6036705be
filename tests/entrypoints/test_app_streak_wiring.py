"""The composition root's streak subscription on the bus it builds: an action that is already
saved never fails because the streak could not be counted, and the failure is reported."""

from __future__ import annotations

from datetime import UTC, datetime

from structlog.testing import capture_logs

from domains.shared.days import UserDays
from domains.shared.events import InProcessEventBus, ProductiveAction
from domains.streaks.ports import StreakUnitOfWork
from domains.streaks.use_cases import StreakService
from entrypoints.composition.daily_life import subscribe_app_streak
from entrypoints.composition.resources import report_event_failure


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 5, 4, 9, tzinfo=UTC)


class Zones:
    async def zone_of(self, user_id: str) -> str:
        return "UTC"


def database_down() -> StreakUnitOfWork:
    raise ConnectionError("database unreachable")


async def test_a_failing_streak_is_reported_and_later_handlers_still_run() -> None:
    bus = InProcessEventBus(on_error=report_event_failure)
    subscribe_app_streak(bus, StreakService(database_down, UserDays(Zones(), Clock())))
    later: list[ProductiveAction] = []

    async def next_handler(event: ProductiveAction) -> None:
        later.append(event)

    bus.subscribe(next_handler)
    event = ProductiveAction("u-1", "focus_session", Clock().now(), Clock().now().date())
    with capture_logs() as logs:
        await bus.publish(event)
    assert later == [event]
    [entry] = [e for e in logs if e["event"] == "event.handler_failed"]
    assert (entry["user_id"], entry["kind"], entry["error_type"]) == (
        "u-1",
        "focus_session",
        "ConnectionError",
    )
