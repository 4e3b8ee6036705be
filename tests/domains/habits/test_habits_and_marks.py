from __future__ import annotations

from datetime import date, timedelta

import pytest

from domains.habits.errors import HabitNameTaken, HabitNotFound
from domains.habits.model import Schedule
from domains.habits.use_cases import HabitsUserData, MarkRequest
from domains.shared.errors import InvalidInput
from tests.domains.habits.conftest import ALICE, BOB, World, at
from tests.domains.habits.fakes import FakeUnitOfWork

TODAY = date(2026, 3, 2)  # the fake clock's day, in UTC


async def test_names_are_unique_per_user_ignoring_case_and_spacing(world: World) -> None:
    await world.habit("Morning run")
    with pytest.raises(HabitNameTaken):
        await world.habit("  MORNING   Run ")
    assert (await world.service.create(BOB, "morning run", Schedule.daily())).name == "morning run"


async def test_renaming_onto_another_habits_name_is_refused_but_recasing_is_fine(
    world: World,
) -> None:
    read = await world.habit("Read")
    await world.habit("Write")
    with pytest.raises(HabitNameTaken):
        await world.service.update(ALICE, read.id, name="write")
    assert (await world.service.update(ALICE, read.id, name="READ")).name == "READ"


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "bell\x07in name"])
async def test_empty_overlong_or_control_character_names_are_refused(
    world: World, name: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.habit(name)
    assert refused.value.field == "name"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Schedule.on(),
        lambda: Schedule.on(7),
        lambda: Schedule.per_week(0),
        lambda: Schedule.per_week(8),
    ],
)
def test_impossible_schedules_are_refused(make: object) -> None:
    with pytest.raises(InvalidInput):
        make()  # type: ignore[operator]


async def test_archived_habits_leave_the_list_but_keep_their_name(world: World) -> None:
    read = await world.habit("Read")
    await world.service.update(ALICE, read.id, archived=True)
    assert await world.service.list_habits(ALICE) == []
    assert [h.id for h in await world.service.list_habits(ALICE, include_archived=True)] == [
        read.id
    ]
    with pytest.raises(HabitNameTaken):
        await world.habit("read")


async def test_favourites_come_first_in_the_list(world: World) -> None:
    await world.habit("Alpha")
    beta = await world.habit("Beta")
    await world.service.update(ALICE, beta.id, favourite=True)
    assert [h.name for h in await world.service.list_habits(ALICE)] == ["Beta", "Alpha"]


async def test_marking_a_day_is_idempotent_and_counted_once(world: World) -> None:
    read = await world.habit()
    first = await world.service.mark(ALICE, read.id, TODAY, True)
    again = await world.service.mark(ALICE, read.id, TODAY, True)
    assert (first.changed, again.changed) == (True, False)
    assert world.store.habits[read.id].completions == 1
    undone = await world.service.mark(ALICE, read.id, TODAY, False)
    undone_again = await world.service.mark(ALICE, read.id, TODAY, False)
    assert (undone.changed, undone_again.changed) == (True, False)
    assert world.store.habits[read.id].completions == 0


async def test_only_a_newly_done_day_publishes_a_productive_action(world: World) -> None:
    read = await world.habit()
    await world.done(read, TODAY, TODAY)
    await world.service.mark(ALICE, read.id, TODAY, False)
    [event] = world.events.published
    assert (event.user_id, event.kind) == (ALICE, "habit_done")


async def test_future_days_cannot_be_marked_in_the_users_own_zone(world: World) -> None:
    world.lives_in("America/Los_Angeles")
    world.clock.set(at("America/Los_Angeles", 2026, 3, 1, 20, 0))  # already the 2nd in UTC
    read = await world.habit()
    with pytest.raises(InvalidInput) as refused:
        await world.service.mark(ALICE, read.id, date(2026, 3, 2), True)
    assert refused.value.field == "date"
    assert (await world.service.mark(ALICE, read.id, date(2026, 3, 1), True)).changed


async def test_days_more_than_a_year_back_cannot_be_marked(world: World) -> None:
    read = await world.habit()
    await world.service.mark(ALICE, read.id, TODAY - timedelta(days=366), True)
    with pytest.raises(InvalidInput):
        await world.service.mark(ALICE, read.id, TODAY - timedelta(days=367), True)


async def test_bulk_marks_apply_together_across_habits(world: World) -> None:
    read, write = await world.habit("Read"), await world.habit("Write")
    marks = await world.service.mark_many(
        ALICE,
        [
            MarkRequest(read.id, TODAY, True),
            MarkRequest(write.id, TODAY, True),
            MarkRequest(read.id, TODAY - timedelta(days=1), True),
        ],
    )
    assert [m.changed for m in marks] == [True, True, True]
    assert (await world.service.dashboard(ALICE)).done_today == 2


async def test_a_bulk_request_with_one_foreign_habit_applies_nothing(world: World) -> None:
    read = await world.habit("Read")
    bobs = await world.service.create(BOB, "Bob's", Schedule.daily())
    with pytest.raises(HabitNotFound):
        await world.service.mark_many(
            ALICE, [MarkRequest(read.id, TODAY, True), MarkRequest(bobs.id, TODAY, True)]
        )
    assert world.store.marks == {}


async def test_bulk_requests_are_bounded(world: World) -> None:
    read = await world.habit()
    with pytest.raises(InvalidInput):
        await world.service.mark_many(ALICE, [])
    days = [TODAY - timedelta(days=i) for i in range(101)]
    with pytest.raises(InvalidInput):
        await world.service.mark_many(ALICE, [MarkRequest(read.id, d, True) for d in days])


async def test_another_users_habit_is_not_found_for_every_action(world: World) -> None:
    bobs = await world.service.create(BOB, "Secret", Schedule.daily())
    attempts = [
        world.service.get(ALICE, bobs.id),
        world.service.update(ALICE, bobs.id, name="Mine"),
        world.service.delete(ALICE, bobs.id),
        world.service.mark(ALICE, bobs.id, TODAY, True),
        world.service.calendar(ALICE, bobs.id, 2026, 3),
        world.service.analytics(ALICE, bobs.id),
    ]
    for attempt in attempts:
        with pytest.raises(HabitNotFound):
            await attempt
    assert (await world.service.get(BOB, bobs.id)).habit.name == "Secret"


async def test_deleting_a_habit_removes_its_marks(world: World) -> None:
    read = await world.habit()
    await world.done(read, TODAY)
    await world.service.delete(ALICE, read.id)
    assert world.store.marks == {}
    with pytest.raises(HabitNotFound):
        await world.service.get(ALICE, read.id)


async def test_export_lists_habits_with_done_days_and_erase_removes_only_theirs(
    world: World,
) -> None:
    read = await world.habit("Read", Schedule.on(0, 2))
    await world.done(read, TODAY, TODAY - timedelta(days=2))
    await world.service.create(BOB, "Bob's", Schedule.daily())
    data = HabitsUserData(uow=lambda: FakeUnitOfWork(world.store))
    [exported] = await data.export(ALICE)
    assert exported["name"] == "Read"
    assert exported["schedule"] == {"kind": "weekdays", "weekdays": [0, 2], "times_per_week": None}
    assert exported["done_days"] == ["2026-02-28", "2026-03-02"]
    await data.erase(ALICE)
    assert await data.export(ALICE) == []
    assert len(await data.export(BOB)) == 1
