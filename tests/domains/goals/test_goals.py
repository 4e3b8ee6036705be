from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domains.goals.model import MAX_ITEMS, Status
from domains.goals.use_cases import GoalsService, GoalsUserData
from domains.shared.days import UserDays
from domains.shared.errors import Conflict, InvalidInput, NotFound
from tests.domains.goals.fakes import FakeClock, FakeGoalsUnitOfWork, FakeZones, Store


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def service(store: Store, clock: FakeClock) -> GoalsService:
    zones = FakeZones(ann="UTC", sam="America/Los_Angeles")
    return GoalsService(lambda: FakeGoalsUnitOfWork(store), UserDays(zones, clock), clock)


async def test_a_two_week_goal_starts_on_the_users_day_and_is_due_thirteen_days_later(
    service: GoalsService, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)  # 28 February in Los Angeles
    goal = await service.create("sam", title="Run", horizon="two_week", kind="percentage")
    assert (goal.start_date, goal.due_date) == (date(2026, 2, 28), date(2026, 3, 13))
    assert goal.status_on(date(2026, 3, 13)) is Status.ACTIVE
    assert goal.status_on(date(2026, 3, 14)) is Status.OVERDUE


async def test_a_counter_completes_once_when_it_reaches_its_target_and_history_says_so(
    service: GoalsService,
) -> None:
    goal = await service.create(
        "ann", title="Pages", horizon="long_term", kind="counter", target=10
    )
    goal = await service.update_progress("ann", goal.id, delta=6)
    assert (goal.progress, goal.percent, goal.completed_at) == (6, 60.0, None)
    goal = await service.update_progress("ann", goal.id, delta=5)
    assert goal.progress == 11 and goal.completed_on == date(2026, 3, 10)
    goal = await service.update_progress("ann", goal.id, delta=1)
    kinds = [e.kind for e in await service.history("ann", goal.id)]
    assert kinds == ["progress", "completed", "progress", "progress", "created"]
    assert goal.percent == 100.0


async def test_a_counter_may_overshoot_its_target_but_only_tenfold(service: GoalsService) -> None:
    goal = await service.create(
        "ann", title="Push-ups", horizon="two_week", kind="counter", target=5
    )
    for _ in range(20):
        goal = await service.update_progress("ann", goal.id, delta=50)
    assert goal.progress == 50
    with pytest.raises(InvalidInput):
        await service.update_progress("ann", goal.id, delta=51)


async def test_a_percentage_is_clamped_and_needs_value_or_delta(service: GoalsService) -> None:
    goal = await service.create("ann", title="Thesis", horizon="long_term", kind="percentage")
    assert (await service.update_progress("ann", goal.id, delta=-10)).progress == 0
    with pytest.raises(InvalidInput):
        await service.update_progress("ann", goal.id, value=101)
    with pytest.raises(InvalidInput):
        await service.update_progress("ann", goal.id)
    with pytest.raises(InvalidInput):
        await service.update_progress("ann", goal.id, value=1, delta=1)
    await service.update_progress("ann", goal.id, value=60)
    assert (await service.update_progress("ann", goal.id, delta=100)).progress == 100


async def test_a_checklist_follows_its_items(service: GoalsService) -> None:
    goal = await service.create(
        "ann", title="Trip", horizon="two_week", kind="checklist", items=["Book", "Pack"]
    )
    assert (goal.target, goal.progress) == (2, 0)
    book, pack = goal.items
    goal = await service.update_item("ann", goal.id, book.id, done=True)
    assert (goal.progress, goal.completed_at) == (1, None)
    goal = await service.update_item("ann", goal.id, pack.id, done=True)
    assert goal.completed_at is not None
    with pytest.raises(InvalidInput):
        await service.update_progress("ann", goal.id, value=1)
    with pytest.raises(NotFound):
        await service.update_item("ann", goal.id, "no-such-item", done=True)


async def test_a_checklist_holds_at_most_a_hundred_items(service: GoalsService) -> None:
    with pytest.raises(InvalidInput):
        await service.create(
            "ann", title="Big", horizon="two_week", kind="checklist", items=["x"] * (MAX_ITEMS + 1)
        )
    goal = await service.create(
        "ann", title="Big", horizon="two_week", kind="checklist", items=["x"] * MAX_ITEMS
    )
    with pytest.raises(Conflict):
        await service.add_item("ann", goal.id, "one more")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "counter"}, "target"),
        ({"kind": "counter", "target": 0}, "target"),
        ({"kind": "percentage", "target": 3}, "target"),
        ({"kind": "percentage", "items": ["a"]}, "items"),
        ({"kind": "guess"}, "kind"),
        ({"kind": "percentage", "horizon": "forever"}, "horizon"),
        ({"kind": "percentage", "title": " "}, "title"),
        ({"kind": "percentage", "title": "x" * 121}, "title"),
        ({"kind": "percentage", "due_date": date(2026, 3, 30)}, "due_date"),
        ({"kind": "checklist", "items": ["ok", "bad\nline"]}, "text"),
    ],
)
async def test_invalid_goals_are_refused_naming_the_field(
    service: GoalsService, kwargs: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {"title": "Goal", "horizon": "two_week", **kwargs}
    with pytest.raises(InvalidInput) as refused:
        await service.create("ann", **values)  # type: ignore[arg-type]
    assert refused.value.field == field


async def test_long_term_due_dates_are_after_the_start_and_within_ten_years(
    service: GoalsService,
) -> None:
    for due in (date(2026, 3, 9), date(2036, 6, 1)):
        with pytest.raises(InvalidInput):
            await service.create(
                "ann", title="G", horizon="long_term", kind="percentage", due_date=due
            )
    goal = await service.create(
        "ann", title="G", horizon="long_term", kind="percentage", due_date=date(2030, 1, 1)
    )
    goal = await service.edit("ann", goal.id, clear_due_date=True)
    assert goal.due_date is None
    two_week = await service.create("ann", title="G", horizon="two_week", kind="percentage")
    with pytest.raises(InvalidInput):
        await service.edit("ann", two_week.id, due_date=date(2026, 4, 1))


async def test_lowering_a_counters_target_to_its_progress_completes_it(
    service: GoalsService,
) -> None:
    goal = await service.create("ann", title="Walks", horizon="two_week", kind="counter", target=5)
    goal = await service.update_progress("ann", goal.id, value=4)
    goal = await service.edit("ann", goal.id, target=4)
    assert goal.completed_at is not None


async def test_completion_by_hand_and_reopening_are_recorded(service: GoalsService) -> None:
    goal = await service.create("ann", title="Essay", horizon="two_week", kind="percentage")
    assert (await service.complete("ann", goal.id)).completed_at is not None
    assert (await service.complete("ann", goal.id)).completed_at is not None
    assert (await service.reopen("ann", goal.id)).completed_at is None
    kinds = [e.kind for e in await service.history("ann", goal.id)]
    assert kinds == ["reopened", "completed", "created"]
    assert [g.id for g in await service.goals("ann")] == [goal.id]
    assert await service.goals("ann", status="completed") == []


async def test_another_users_goal_does_not_exist_for_them(service: GoalsService) -> None:
    goal = await service.create("ann", title="Mine", horizon="two_week", kind="percentage")
    for attempt in (
        service.goal("sam", goal.id),
        service.update_progress("sam", goal.id, value=5),
        service.complete("sam", goal.id),
        service.reopen("sam", goal.id),
        service.history("sam", goal.id),
        service.add_item("sam", goal.id, "x"),
        service.edit("sam", goal.id, title="Yours"),
        service.delete("sam", goal.id),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert (await service.goal("ann", goal.id)).title == "Mine"


async def test_the_day_view_shows_goals_running_that_day(
    service: GoalsService, clock: FakeClock
) -> None:
    goal = await service.create("ann", title="Run", horizon="two_week", kind="counter", target=1)
    clock.advance(days=2)
    await service.update_progress("ann", goal.id, delta=1)
    running, _ = await service.on_day("ann", date(2026, 3, 9))
    assert running == []
    running, events = await service.on_day("ann", date(2026, 3, 12))
    assert [g.id for g in running] == [goal.id]
    assert [e.kind for e in events] == ["progress", "completed"]
    running, _ = await service.on_day("ann", date(2026, 3, 13))
    assert running == []


async def test_export_and_erase(service: GoalsService, store: Store) -> None:
    await service.create("ann", title="Keep", horizon="two_week", kind="percentage")
    data = GoalsUserData(lambda: FakeGoalsUnitOfWork(store))
    assert [g["title"] for g in (await data.export("ann"))["goals"]] == ["Keep"]
    await data.erase("ann")
    assert await data.export("ann") == {"goals": [], "history": []}
