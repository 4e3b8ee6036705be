from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domains.pomodoro.errors import SessionAlreadyRunning, SessionNotFound, SessionNotRunning
from domains.pomodoro.model import PomodoroSettings, SessionKind, SessionStatus
from domains.pomodoro.use_cases import PomodoroUserData
from domains.shared.errors import InvalidInput
from tests.domains.pomodoro.conftest import ALICE, BOB, World
from tests.domains.pomodoro.fakes import FakeUnitOfWork


async def test_a_new_user_gets_the_classic_25_5_15_cycle_with_a_long_break_every_4(
    world: World,
) -> None:
    settings = await world.service.settings(ALICE)
    assert (settings.focus_minutes, settings.short_break_minutes) == (25, 5)
    assert (settings.long_break_minutes, settings.long_break_every) == (15, 4)


async def test_updating_one_setting_keeps_the_others(world: World) -> None:
    await world.service.update_settings(ALICE, focus_minutes=50, auto_start_breaks=True)
    await world.service.update_settings(ALICE, long_break_every=2)
    settings = await world.service.settings(ALICE)
    assert settings == PomodoroSettings(
        focus_minutes=50, long_break_every=2, auto_start_breaks=True
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("focus_minutes", 0),
        ("focus_minutes", 181),
        ("short_break_minutes", 61),
        ("long_break_minutes", 0),
        ("long_break_every", 13),
    ],
)
async def test_settings_out_of_range_are_refused_naming_the_field(
    world: World, field: str, value: int
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.service.update_settings(ALICE, **{field: value})
    assert refused.value.field == field
    assert await world.service.settings(ALICE) == PomodoroSettings()


async def test_an_unknown_setting_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.service.update_settings(ALICE, colour="red")
    assert refused.value.field == "colour"


async def test_a_session_records_planned_and_actual_duration(world: World) -> None:
    await world.service.update_settings(ALICE, focus_minutes=30)
    session = await world.service.start(ALICE, SessionKind.FOCUS)
    assert session.planned_seconds == 30 * 60
    world.clock.advance(minutes=29, seconds=30)
    done = await world.service.complete(ALICE, session.id)
    assert done.status is SessionStatus.COMPLETED
    assert done.actual_seconds == 29 * 60 + 30
    assert done.ended_at == world.clock.now()


async def test_a_planned_length_can_be_chosen_per_session_within_bounds(world: World) -> None:
    session = await world.service.start(ALICE, SessionKind.SHORT_BREAK, planned_minutes=7)
    assert session.planned_seconds == 7 * 60
    with pytest.raises(InvalidInput):
        await world.service.start(ALICE, SessionKind.FOCUS, planned_minutes=181)


async def test_completing_a_session_twice_is_refused_and_counted_once(world: World) -> None:
    session = await world.service.start(ALICE, SessionKind.FOCUS)
    world.clock.advance(minutes=25)
    await world.service.complete(ALICE, session.id)
    with pytest.raises(SessionNotRunning):
        await world.service.complete(ALICE, session.id)
    assert (await world.service.summary(ALICE)).today.focus_sessions == 1


async def test_another_users_session_cannot_be_seen_completed_or_abandoned(world: World) -> None:
    session = await world.service.start(ALICE, SessionKind.FOCUS)
    for attempt in (
        world.service.get(BOB, session.id),
        world.service.complete(BOB, session.id),
        world.service.abandon(BOB, session.id),
        world.service.count_tasks(BOB, session.id),
    ):
        with pytest.raises(SessionNotFound):
            await attempt
    assert (await world.service.get(ALICE, session.id)).status is SessionStatus.RUNNING


async def test_an_unknown_or_malformed_session_id_is_not_found(world: World) -> None:
    with pytest.raises(SessionNotFound):
        await world.service.complete(ALICE, "not-an-id")
    with pytest.raises(SessionNotFound):
        await world.service.complete(ALICE, "0b6f7c1e-1111-4111-8111-111111111111")


async def test_an_abandoned_session_records_its_duration_but_counts_nothing(world: World) -> None:
    session = await world.service.start(ALICE, SessionKind.FOCUS)
    world.clock.advance(minutes=10)
    abandoned = await world.service.abandon(ALICE, session.id)
    assert abandoned.status is SessionStatus.ABANDONED
    assert abandoned.actual_seconds == 600
    today = (await world.service.summary(ALICE)).today
    assert (today.focus_sessions, today.focus_minutes) == (0, 0)
    with pytest.raises(SessionNotRunning):
        await world.service.complete(ALICE, session.id)


async def test_starting_a_session_while_one_runs_is_refused_naming_the_running_one(
    world: World,
) -> None:
    first = await world.service.start(ALICE, SessionKind.FOCUS)
    world.clock.advance(minutes=3)
    with pytest.raises(SessionAlreadyRunning) as refused:
        await world.service.start(ALICE, SessionKind.SHORT_BREAK)
    assert refused.value.session_id == first.id
    assert (await world.service.get(ALICE, first.id)).status is SessionStatus.RUNNING
    assert (await world.service.current(ALICE)).session == first
    assert len(await world.service.history(ALICE)) == 1


async def test_starting_with_replace_abandons_the_one_still_running(world: World) -> None:
    first = await world.service.start(ALICE, SessionKind.FOCUS)
    world.clock.advance(minutes=3)
    second = await world.service.start(ALICE, SessionKind.FOCUS, replace=True)
    abandoned = await world.service.get(ALICE, first.id)
    assert (abandoned.status, abandoned.actual_seconds) == (SessionStatus.ABANDONED, 180)
    assert (await world.service.current(ALICE)).session == second


async def test_the_running_session_is_current_even_when_a_newer_start_has_ended(
    world: World,
) -> None:
    running = await world.service.start(ALICE, SessionKind.FOCUS)
    # A session another device started earlier by its clock, then stopped: it is the newest
    # start in the history, yet not the one running.
    world.clock.advance(minutes=1)
    world.store.sessions["x"] = replace(
        running,
        id="x",
        status=SessionStatus.ABANDONED,
        started_at=running.started_at + timedelta(seconds=30),
        ended_at=world.clock.now(),
    )
    assert (await world.service.current(ALICE)).session == running


async def test_tasks_done_during_focus_reach_the_day_when_it_completes(world: World) -> None:
    session = await world.service.start(ALICE, SessionKind.FOCUS)
    await world.service.count_tasks(ALICE, session.id)
    await world.service.count_tasks(ALICE, session.id, 2)
    assert (await world.service.summary(ALICE)).today.tasks_done == 0
    world.clock.advance(minutes=25)
    done = await world.service.complete(ALICE, session.id, tasks_done=1)
    assert done.tasks_done == 4
    assert (await world.service.summary(ALICE)).today.tasks_done == 4


async def test_tasks_are_not_counted_on_breaks_or_finished_sessions(world: World) -> None:
    rest = await world.service.start(ALICE, SessionKind.SHORT_BREAK)
    with pytest.raises(InvalidInput):
        await world.service.count_tasks(ALICE, rest.id)
    focus = await world.service.start(ALICE, SessionKind.FOCUS, replace=True)
    await world.service.abandon(ALICE, focus.id)
    with pytest.raises(SessionNotRunning):
        await world.service.count_tasks(ALICE, focus.id)
    with pytest.raises(InvalidInput):
        await world.service.complete(ALICE, focus.id, tasks_done=101)


async def test_a_timer_left_open_credits_no_more_focus_than_planned(world: World) -> None:
    session = await world.service.start(ALICE, SessionKind.FOCUS)
    world.clock.advance(hours=3)
    done = await world.service.complete(ALICE, session.id)
    assert done.actual_seconds == 3 * 3600
    assert (await world.service.summary(ALICE)).today.focus_minutes == 25


async def test_only_completed_focus_sessions_publish_a_productive_action(world: World) -> None:
    rest = await world.service.start(ALICE, SessionKind.SHORT_BREAK)
    world.clock.advance(minutes=5)
    await world.service.complete(ALICE, rest.id)
    focus = await world.service.start(ALICE, SessionKind.FOCUS)
    await world.service.abandon(ALICE, focus.id)
    assert world.events.published == []
    focus = await world.service.start(ALICE, SessionKind.FOCUS)
    world.clock.advance(minutes=25)
    await world.service.complete(ALICE, focus.id)
    [event] = world.events.published
    assert (event.user_id, event.kind, event.occurred_at) == (
        ALICE,
        "focus_session",
        world.clock.now(),
    )


async def test_every_fourth_focus_session_is_followed_by_a_long_break(world: World) -> None:
    kinds = []
    for _ in range(4):
        focus = await world.service.start(ALICE, SessionKind.FOCUS)
        world.clock.advance(minutes=25)
        await world.service.complete(ALICE, focus.id)
        current = await world.service.current(ALICE)
        kinds.append(current.next_kind)
        rest = await world.service.start(ALICE, current.next_kind)
        assert (await world.service.current(ALICE)).next_kind is SessionKind.FOCUS
        world.clock.advance(minutes=5)
        await world.service.complete(ALICE, rest.id)
    assert kinds == [SessionKind.SHORT_BREAK] * 3 + [SessionKind.LONG_BREAK]


async def test_history_lists_the_users_own_sessions_newest_first(world: World) -> None:
    first = await world.service.start(ALICE, SessionKind.FOCUS)
    world.clock.advance(minutes=1)
    second = await world.service.start(ALICE, SessionKind.FOCUS, replace=True)
    await world.service.start(BOB, SessionKind.FOCUS)
    assert [s.id for s in await world.service.history(ALICE)] == [second.id, first.id]
    with pytest.raises(InvalidInput):
        await world.service.history(ALICE, limit=0)


async def test_export_holds_settings_and_sessions_and_erase_removes_them(world: World) -> None:
    await world.service.update_settings(ALICE, focus_minutes=40)
    session = await world.service.start(ALICE, SessionKind.FOCUS)
    world.clock.advance(minutes=40)
    await world.service.complete(ALICE, session.id)
    await world.service.start(BOB, SessionKind.FOCUS)
    data = PomodoroUserData(uow=lambda: FakeUnitOfWork(world.store))
    exported = await data.export(ALICE)
    assert exported["settings"]["focus_minutes"] == 40
    assert [s["id"] for s in exported["sessions"]] == [session.id]
    assert exported["sessions"][0]["actual_seconds"] == 40 * 60
    await data.erase(ALICE)
    assert await data.export(ALICE) == {"settings": None, "sessions": []}
    assert (await world.service.summary(ALICE)).last_30_days.focus_sessions == 0
    assert len(await world.service.history(BOB)) == 1
