from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from domains.shared.days import UserDays
from domains.shared.events import InProcessEventBus, ProductiveAction
from domains.streaks.model import StreakRecord, extend, summarise
from domains.streaks.use_cases import StreakService, StreakUserData
from tests.domains.streaks.fakes import FakeClock, FakeStreakUnitOfWork, FakeZones, Store


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(at(2026, 3, 10))


@pytest.fixture
def zones() -> FakeZones:
    return FakeZones(ann="UTC")


@pytest.fixture
def service(store: Store, clock: FakeClock, zones: FakeZones) -> StreakService:
    return StreakService(uow=lambda: FakeStreakUnitOfWork(store), user_days=UserDays(zones, clock))


async def act(service: StreakService, when: datetime, user: str = "ann", kind: str = "x") -> None:
    """The user acts at `when`: the event carries the day as a publisher finds it."""
    day = (await service.user_days.of(user)).date_of(when)
    await service.record(ProductiveAction(user, kind, when, day))


async def test_a_first_productive_action_starts_a_streak_of_one(
    service: StreakService, clock: FakeClock
) -> None:
    await act(service, clock.now())
    streak = await service.streak("ann")
    assert (streak.current, streak.longest, streak.active_today) == (1, 1, True)


async def test_many_actions_on_one_day_count_that_day_once(
    service: StreakService, clock: FakeClock, store: Store
) -> None:
    for kind in ("focus_session", "habit_done", "mood_entry", "focus_session"):
        await act(service, clock.now(), kind=kind)
    streak = await service.streak("ann")
    assert (streak.current, streak.longest, streak.active_days) == (1, 1, 1)
    assert store.actions[("ann", date(2026, 3, 10))] == 4


async def test_consecutive_days_grow_the_streak_and_a_missed_day_restarts_it(
    service: StreakService, clock: FakeClock
) -> None:
    for day in (5, 6, 7, 9, 10):
        await act(service, at(2026, 3, day))
    streak = await service.streak("ann")
    assert (streak.current, streak.longest) == (2, 3)


async def test_today_not_yet_done_keeps_yesterdays_streak_until_the_day_is_over(
    service: StreakService, clock: FakeClock
) -> None:
    await act(service, at(2026, 3, 8))
    await act(service, at(2026, 3, 9))
    clock.current = at(2026, 3, 10, 23, 59)
    assert (await service.streak("ann")).current == 2
    assert not (await service.streak("ann")).active_today
    clock.current = at(2026, 3, 11, 0, 0)
    streak = await service.streak("ann")
    assert (streak.current, streak.longest) == (0, 2)


async def test_days_are_the_users_local_days_not_the_servers(
    service: StreakService, clock: FakeClock, zones: FakeZones
) -> None:
    zones.zones["kenji"] = "Asia/Tokyo"
    # 23:30 and 00:30 in Tokyo: two local days, although both fall on 10 March in UTC.
    await act(service, at(2026, 3, 10, 14, 30), "kenji")
    await act(service, at(2026, 3, 10, 15, 30), "kenji")
    clock.current = at(2026, 3, 10, 16, 0)
    streak = await service.streak("kenji")
    assert streak.today == date(2026, 3, 11)
    assert (streak.current, streak.longest) == (2, 2)


async def test_a_streak_crosses_midnight_only_on_the_users_clock(
    service: StreakService, clock: FakeClock, zones: FakeZones
) -> None:
    zones.zones["rosa"] = "America/Los_Angeles"
    # 20:00 and 23:00 in Los Angeles (PDT) on 9 March are 10 March in UTC: one local day.
    await act(service, at(2026, 3, 10, 3, 0), "rosa")
    await act(service, at(2026, 3, 10, 6, 0), "rosa")
    clock.current = at(2026, 3, 10, 6, 30)
    streak = await service.streak("rosa")
    assert streak.today == date(2026, 3, 9)
    assert (streak.current, streak.active_days) == (1, 1)


async def test_the_short_spring_forward_day_is_still_one_day_of_the_streak(
    service: StreakService, clock: FakeClock, zones: FakeZones
) -> None:
    zones.zones["ny"] = "America/New_York"
    # New York springs forward on 8 March 2026: that day has 23 hours.
    await act(service, at(2026, 3, 8, 4, 30), "ny")  # 7 March 23:30 EST
    await act(service, at(2026, 3, 9, 3, 30), "ny")  # 8 March 23:30 EDT
    await act(service, at(2026, 3, 9, 4, 10), "ny")  # 9 March 00:10 EDT
    clock.current = at(2026, 3, 9, 12, 0)
    streak = await service.streak("ny")
    assert (streak.current, streak.active_days) == (3, 3)


async def test_the_long_fall_back_day_is_one_day_not_two(
    service: StreakService, clock: FakeClock, zones: FakeZones
) -> None:
    zones.zones["ny"] = "America/New_York"
    # 1 November 2026 has 25 hours in New York: 00:30 EDT and 23:30 EST are the same day.
    await act(service, at(2026, 11, 1, 4, 30), "ny")
    await act(service, at(2026, 11, 2, 4, 30), "ny")
    clock.current = at(2026, 11, 2, 5, 0)  # 2 November 00:00 EST
    streak = await service.streak("ny")
    assert (streak.current, streak.active_days) == (1, 1)
    assert streak.today == date(2026, 11, 2)
    assert streak.last_active_date == date(2026, 11, 1)


async def test_a_streak_runs_across_month_and_year_ends(
    service: StreakService, clock: FakeClock
) -> None:
    for when in (at(2025, 12, 31), at(2026, 1, 1), at(2026, 1, 31), at(2026, 2, 1)):
        await act(service, when)
    clock.current = at(2026, 2, 1)
    streak = await service.streak("ann")
    assert (streak.current, streak.longest) == (2, 2)
    await act(service, at(2026, 2, 28))
    await act(service, at(2026, 3, 1))  # 2026 is not a leap year: 28 Feb -> 1 Mar is one step
    clock.current = at(2026, 3, 1)
    assert (await service.streak("ann")).current == 2


async def test_after_moving_time_zones_today_is_the_new_zones_day(
    service: StreakService, clock: FakeClock, zones: FakeZones
) -> None:
    zones.zones["kenji"] = "Asia/Tokyo"
    await act(service, at(2026, 3, 9, 16, 0), "kenji")  # 10 March 01:00 in Tokyo
    zones.zones["kenji"] = "America/Los_Angeles"
    clock.current = at(2026, 3, 10, 6, 0)  # 9 March 23:00 in Los Angeles
    streak = await service.streak("kenji")
    # The day already done in Tokyo is not lost by flying back across the date line.
    assert (streak.today, streak.current, streak.active_today) == (date(2026, 3, 9), 1, True)
    await act(service, at(2026, 3, 11, 6, 0), "kenji")  # 10 March in Los Angeles: same day
    assert (await service.streak("kenji")).active_days == 1


async def test_a_day_arriving_late_joins_the_runs_on_either_side(
    service: StreakService, clock: FakeClock
) -> None:
    for day in (7, 8, 10):
        await act(service, at(2026, 3, day))
    assert (await service.streak("ann")).longest == 2
    await act(service, at(2026, 3, 9))
    streak = await service.streak("ann")
    assert (streak.current, streak.longest) == (4, 4)


async def test_the_service_is_driven_by_events_on_the_bus(
    service: StreakService, clock: FakeClock
) -> None:
    bus = InProcessEventBus()
    bus.subscribe(service.record)
    await bus.publish(ProductiveAction("ann", "focus_session", clock.now(), date(2026, 3, 10)))
    assert (await service.streak("ann")).current == 1


async def test_export_lists_active_days_and_erase_forgets_them(
    service: StreakService, store: Store, clock: FakeClock
) -> None:
    await act(service, at(2026, 3, 9))
    await act(service, at(2026, 3, 10))
    data = StreakUserData(lambda: FakeStreakUnitOfWork(store))
    exported = await data.export("ann")
    assert exported["longest"] == 2
    assert [d["date"] for d in exported["active_days"]] == ["2026-03-09", "2026-03-10"]
    await data.erase("ann")
    assert (await service.streak("ann")).longest == 0


def test_summarise_ignores_duplicates_and_order() -> None:
    days = [date(2026, 1, 3), date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 2)]
    record = summarise("u", days)
    assert (record.last_day, record.last_run, record.longest, record.active_days) == (
        date(2026, 1, 3),
        3,
        3,
        3,
    )


def test_extending_day_by_day_agrees_with_rebuilding_from_all_days() -> None:
    rng = random.Random(7)
    for _ in range(200):
        start = date(2026, 1, 1) + timedelta(days=rng.randrange(60))
        days = sorted(
            {start + timedelta(days=rng.randrange(40)) for _ in range(rng.randrange(1, 25))}
        )
        record: StreakRecord | None = None
        for day in days:
            record = extend(record, "u", day)
            assert record is not None
        assert record == summarise("u", days)


def test_a_day_before_the_last_one_asks_for_a_rebuild() -> None:
    record = summarise("u", [date(2026, 1, 5)])
    assert extend(record, "u", date(2026, 1, 4)) is None
    assert extend(record, "u", date(2026, 1, 5)) is None


async def test_after_moving_west_the_last_active_day_is_never_after_today(
    service: StreakService, clock: FakeClock, zones: FakeZones
) -> None:
    zones.zones["kenji"] = "Asia/Tokyo"
    await act(service, at(2026, 3, 9, 16, 0), "kenji")  # 10 March 01:00 in Tokyo
    zones.zones["kenji"] = "America/Los_Angeles"
    clock.current = at(2026, 3, 9, 17, 0)  # 9 March 10:00 in Los Angeles
    streak = await service.streak("kenji")
    assert streak.today == date(2026, 3, 9)
    assert streak.last_active_date is not None and streak.last_active_date <= streak.today
    assert (streak.current, streak.active_today) == (1, True)
