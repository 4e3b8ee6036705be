from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domains.shared.events import InProcessEventBus, ProductiveAction

EVENT = ProductiveAction("u1", "focus_session", datetime(2026, 1, 1, tzinfo=UTC), date(2026, 1, 1))


async def test_a_failing_handler_is_reported_and_the_others_still_run() -> None:
    seen: list[str] = []
    failures: list[str] = []

    async def broken(event: ProductiveAction) -> None:
        raise RuntimeError("streak store down")

    async def counting(event: ProductiveAction) -> None:
        seen.append(event.kind)

    bus = InProcessEventBus(on_error=lambda event, error: failures.append(str(error)))
    bus.subscribe(broken)
    bus.subscribe(counting)
    await bus.publish(EVENT)
    assert seen == ["focus_session"] and failures == ["streak store down"]


async def test_without_a_reporter_a_failure_propagates() -> None:
    async def broken(event: ProductiveAction) -> None:
        raise RuntimeError("boom")

    bus = InProcessEventBus()
    bus.subscribe(broken)
    with pytest.raises(RuntimeError):
        await bus.publish(EVENT)
