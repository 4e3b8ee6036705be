"""The app streak and goals on both databases, including actions and progress arriving at once
from several devices: every count survives and a day or a completion is counted once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.goals import SqlAlchemyGoalsUnitOfWork
from adapters.sql.streaks import SqlAlchemyStreakUnitOfWork
from adapters.sql.user_time_zones import SqlAlchemyUserTimeZones
from domains.goals.use_cases import GoalsService, GoalsUserData
from domains.shared.days import UserDays
from domains.shared.errors import NotFound
from domains.shared.events import ProductiveAction
from domains.streaks.use_cases import StreakService, StreakUserData
from tests.adapters.accounts import new_user

PARALLEL = 12


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def streaks(engine: AsyncEngine, clock: Clock) -> StreakService:
    return StreakService(
        uow=lambda: SqlAlchemyStreakUnitOfWork(engine),
        user_days=UserDays(SqlAlchemyUserTimeZones(engine), clock),
    )


def goals(engine: AsyncEngine, clock: Clock) -> GoalsService:
    return GoalsService(
        uow=lambda: SqlAlchemyGoalsUnitOfWork(engine),
        user_days=UserDays(SqlAlchemyUserTimeZones(engine), clock),
        clock=clock,
    )


async def test_simultaneous_actions_on_one_day_count_the_day_once_and_every_action(
    engine: AsyncEngine,
) -> None:
    user = await new_user(engine)
    clock = Clock(datetime(2026, 5, 4, 9, tzinfo=UTC))
    service = streaks(engine, clock)
    action = ProductiveAction(user, "focus_session", clock.now(), date(2026, 5, 4))
    await asyncio.gather(*(service.record(action) for _ in range(PARALLEL)))
    streak = await service.streak(user)
    assert (streak.current, streak.longest, streak.active_days) == (1, 1, 1)
    assert await service.active_days(user, date(2026, 5, 4), date(2026, 5, 4)) == [
        (date(2026, 5, 4), PARALLEL)
    ]


async def test_simultaneous_actions_on_different_days_build_one_unbroken_streak(
    engine: AsyncEngine,
) -> None:
    user = await new_user(engine, time_zone="Europe/Berlin")
    start = datetime(2026, 3, 20, 10, tzinfo=UTC)
    clock = Clock(start + timedelta(days=PARALLEL - 1))
    service = streaks(engine, clock)
    await asyncio.gather(
        *(
            service.record(
                ProductiveAction(
                    user,
                    "habit_done",
                    start + timedelta(days=i),
                    (start + timedelta(days=i)).date(),
                )
            )
            for i in range(PARALLEL)
        )
    )
    streak = await service.streak(user)
    assert (streak.current, streak.longest, streak.active_days) == (PARALLEL, PARALLEL, PARALLEL)


async def test_the_streak_is_kept_per_user_and_erased_with_the_account_data(
    engine: AsyncEngine,
) -> None:
    ann, bob = await new_user(engine), await new_user(engine)
    clock = Clock(datetime(2026, 5, 4, 9, tzinfo=UTC))
    service = streaks(engine, clock)
    await service.record(ProductiveAction(ann, "mood_entry", clock.now(), date(2026, 5, 4)))
    assert (await service.streak(bob)).current == 0
    data = StreakUserData(lambda: SqlAlchemyStreakUnitOfWork(engine))
    assert (await data.export(ann))["active_days"] == [{"date": "2026-05-04", "actions": 1}]
    await data.erase(ann)
    assert (await service.streak(ann)).active_days == 0


async def test_parallel_counter_steps_all_count_and_complete_the_goal_once(
    engine: AsyncEngine,
) -> None:
    user = await new_user(engine)
    service = goals(engine, Clock(datetime(2026, 5, 4, 9, tzinfo=UTC)))
    goal = await service.create(
        user, title="Read ten chapters", horizon="two_week", kind="counter", target=PARALLEL
    )
    await asyncio.gather(
        *(service.update_progress(user, goal.id, delta=1) for _ in range(PARALLEL))
    )
    done = await service.goal(user, goal.id)
    assert done.progress == PARALLEL
    assert done.completed_on == date(2026, 5, 4)
    history = await service.history(user, goal.id, limit=100)
    assert [e.kind for e in history].count("completed") == 1
    assert sorted(e.value or 0 for e in history if e.kind == "progress") == list(
        range(1, PARALLEL + 1)
    )


async def test_parallel_checks_of_different_items_are_all_counted(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    service = goals(engine, Clock(datetime(2026, 5, 4, 9, tzinfo=UTC)))
    goal = await service.create(
        user,
        title="Spring clean",
        horizon="two_week",
        kind="checklist",
        items=[f"Room {i}" for i in range(PARALLEL)],
    )
    await asyncio.gather(
        *(service.update_item(user, goal.id, item.id, done=True) for item in goal.items)
    )
    done = await service.goal(user, goal.id)
    assert (done.progress, done.target) == (PARALLEL, PARALLEL)
    assert done.completed_at is not None
    history = await service.history(user, goal.id, limit=100)
    assert [e.kind for e in history].count("completed") == 1


async def test_a_checklist_counts_its_done_items_and_completes_when_all_are_done(
    engine: AsyncEngine,
) -> None:
    user = await new_user(engine)
    service = goals(engine, Clock(datetime(2026, 5, 4, 9, tzinfo=UTC)))
    goal = await service.create(
        user,
        title="Move house",
        horizon="long_term",
        kind="checklist",
        items=["Pack", "Book van"],
        due_date=date(2026, 8, 1),
    )
    assert (goal.progress, goal.target, goal.due_date) == (0, 2, date(2026, 8, 1))
    first, second = goal.items
    goal = await service.update_item(user, goal.id, first.id, done=True)
    assert (goal.progress, goal.target, goal.completed_at) == (1, 2, None)
    goal = await service.add_item(user, goal.id, "Change address")
    goal = await service.update_item(user, goal.id, second.id, done=True)
    assert (goal.progress, goal.target, goal.completed_at) == (2, 3, None)
    goal = await service.remove_item(user, goal.id, goal.items[-1].id)
    assert (goal.progress, goal.target) == (2, 2)
    assert goal.completed_at is not None


async def test_percentages_stay_between_0_and_100(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    service = goals(engine, Clock(datetime(2026, 5, 4, 9, tzinfo=UTC)))
    goal = await service.create(user, title="Thesis", horizon="long_term", kind="percentage")
    goal = await service.update_progress(user, goal.id, delta=-20)
    assert goal.progress == 0
    goal = await service.update_progress(user, goal.id, value=90)
    goal = await service.update_progress(user, goal.id, delta=30)
    assert (goal.progress, goal.percent) == (100, 100.0)
    assert goal.completed_at is not None
    reopened = await service.reopen(user, goal.id)
    assert reopened.completed_at is None and reopened.progress == 100


async def test_another_users_goal_is_out_of_reach(engine: AsyncEngine) -> None:
    owner, other = await new_user(engine), await new_user(engine)
    service = goals(engine, Clock(datetime(2026, 5, 4, 9, tzinfo=UTC)))
    goal = await service.create(owner, title="Run 5k", horizon="two_week", kind="percentage")
    for attempt in (
        service.goal(other, goal.id),
        service.update_progress(other, goal.id, value=50),
        service.complete(other, goal.id),
        service.history(other, goal.id),
        service.delete(other, goal.id),
        service.edit(other, goal.id, title="mine now"),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert (await service.goal(owner, goal.id)).title == "Run 5k"
    assert await service.goals(other, status="all") == []


async def test_goal_export_holds_goals_and_history_and_erasure_removes_them(
    engine: AsyncEngine,
) -> None:
    user = await new_user(engine)
    service = goals(engine, Clock(datetime(2026, 5, 4, 9, tzinfo=UTC)))
    goal = await service.create(user, title="Walk", horizon="two_week", kind="counter", target=3)
    await service.update_progress(user, goal.id, delta=1)
    data = GoalsUserData(lambda: SqlAlchemyGoalsUnitOfWork(engine))
    exported = await data.export(user)
    assert [g["title"] for g in exported["goals"]] == ["Walk"]
    assert [e["kind"] for e in exported["history"]] == ["created", "progress"]
    await data.erase(user)
    assert await data.export(user) == {"goals": [], "history": []}
