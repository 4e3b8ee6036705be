from __future__ import annotations

from datetime import date, timedelta

from domains.habits.model import Schedule
from domains.habits.progress import completion_rate, streak, strength
from tests.domains.habits.conftest import ALICE, World, at


def days_back(last: date, n: int) -> list[date]:
    return [last - timedelta(days=i) for i in range(n)]


async def test_today_not_yet_done_does_not_break_the_streak_until_local_midnight(
    world: World,
) -> None:
    world.lives_in("Asia/Tokyo")
    world.clock.set(at("Asia/Tokyo", 2026, 4, 10, 9, 0))
    read = await world.habit()
    await world.done(read, *days_back(date(2026, 4, 9), 3))  # 7, 8, 9 April
    world.clock.set(at("Asia/Tokyo", 2026, 4, 10, 23, 59))
    assert (await world.service.get(ALICE, read.id)).streak.current == 3
    world.clock.set(at("Asia/Tokyo", 2026, 4, 11, 0, 0))  # still 10 April in UTC
    assert (await world.service.get(ALICE, read.id)).streak.current == 0
    assert (await world.service.get(ALICE, read.id)).streak.best == 3


async def test_doing_it_today_extends_the_streak_at_once(world: World) -> None:
    world.clock.set(at("UTC", 2026, 4, 10, 8, 0))
    read = await world.habit()
    await world.done(read, *days_back(date(2026, 4, 10), 5))
    progress = await world.service.get(ALICE, read.id)
    assert (progress.streak.current, progress.done_today) == (5, True)


async def test_a_streak_runs_across_midnight_in_a_zone_far_from_utc(world: World) -> None:
    world.lives_in("Pacific/Kiritimati")  # UTC+14
    # Each mark is made at 00:30 local time, which is still the previous day in UTC.
    read = await world.habit()
    for day in (10, 11, 12):
        world.clock.set(at("Pacific/Kiritimati", 2026, 1, day, 0, 30))
        await world.service.mark(ALICE, read.id, date(2026, 1, day), True)
    assert world.clock.now().date() == date(2026, 1, 11)
    assert (await world.service.get(ALICE, read.id)).streak.current == 3


async def test_the_23_hour_day_of_the_spring_daylight_saving_change_is_a_whole_day(
    world: World,
) -> None:
    world.lives_in("America/New_York")
    world.clock.set(at("America/New_York", 2026, 3, 7, 12, 0))
    read = await world.habit()
    await world.done(read, date(2026, 3, 6), date(2026, 3, 7))
    # 8 March: clocks go from 02:00 to 03:00. 23:30 local is 03:30 UTC on the 9th.
    world.clock.set(at("America/New_York", 2026, 3, 8, 23, 30))
    assert world.clock.now().date() == date(2026, 3, 9)
    assert (await world.service.get(ALICE, read.id)).streak.current == 2
    await world.done(read, date(2026, 3, 8))
    assert (await world.service.get(ALICE, read.id)).streak.current == 3
    world.clock.set(at("America/New_York", 2026, 3, 9, 23, 59))
    assert (await world.service.get(ALICE, read.id)).streak.current == 3
    world.clock.set(at("America/New_York", 2026, 3, 10, 0, 0))
    assert (await world.service.get(ALICE, read.id)).streak.current == 0


async def test_the_25_hour_day_of_the_autumn_change_ends_at_local_midnight(world: World) -> None:
    world.lives_in("Europe/London")
    world.clock.set(at("Europe/London", 2026, 10, 24, 12, 0))
    read = await world.habit()
    await world.done(read, date(2026, 10, 24))
    # 25 October has 25 hours; its 23:59 is 23:59 UTC, and the next minute is a new day.
    world.clock.set(at("Europe/London", 2026, 10, 25, 23, 59))
    assert (await world.service.get(ALICE, read.id)).streak.current == 1
    world.clock.advance(minutes=1)
    assert (await world.service.get(ALICE, read.id)).streak.current == 0


async def test_moving_west_keeps_the_streak_and_moving_east_can_end_the_day_sooner(
    world: World,
) -> None:
    world.lives_in("Asia/Tokyo")
    world.clock.set(at("Asia/Tokyo", 2026, 7, 20, 21, 0))
    read = await world.habit()
    await world.done(read, *days_back(date(2026, 7, 20), 4))
    # Flying to Los Angeles: it is 20 July 05:00 there; the 20th is today again and done.
    world.lives_in("America/Los_Angeles")
    assert (await world.service.get(ALICE, read.id)).streak.current == 4
    # Next evening in Los Angeles (21 July, 20:00): the 21st is pending, not missed.
    world.clock.set(at("America/Los_Angeles", 2026, 7, 21, 20, 0))
    assert (await world.service.get(ALICE, read.id)).streak.current == 4
    # Back in Tokyo that instant it is already the 22nd: the 21st was missed.
    world.lives_in("Asia/Tokyo")
    assert (await world.service.get(ALICE, read.id)).streak.current == 0


async def test_a_mark_on_a_day_that_is_still_ahead_after_a_move_is_not_counted_yet(
    world: World,
) -> None:
    world.lives_in("Asia/Tokyo")
    world.clock.set(at("Asia/Tokyo", 2026, 7, 21, 8, 0))  # 20 July 23:00 UTC
    read = await world.habit()
    await world.done(read, date(2026, 7, 20), date(2026, 7, 21))
    world.lives_in("America/Los_Angeles")  # 20 July 16:00 there
    progress = await world.service.get(ALICE, read.id)
    assert (progress.today, progress.streak.current) == (date(2026, 7, 20), 1)


async def test_a_streak_runs_across_month_and_leap_year_boundaries(world: World) -> None:
    world.clock.set(at("UTC", 2028, 3, 1, 12, 0))
    read = await world.habit()
    await world.done(read, date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1))
    assert (await world.service.get(ALICE, read.id)).streak.current == 3
    february = await world.service.calendar(ALICE, read.id, 2028, 2)
    assert len(february) == 29
    assert [d.day.day for d in february if d.done] == [28, 29]
    march = await world.service.calendar(ALICE, read.id, 2028, 3)
    assert [d.day.day for d in march if d.done] == [1]
    assert [d.tracked for d in march[:3]] == [True, False, False]


async def test_days_a_weekday_schedule_does_not_ask_for_never_break_it(world: World) -> None:
    world.clock.set(at("UTC", 2026, 3, 16, 9, 0))  # a Monday
    gym = await world.habit("Gym", Schedule.on(0, 2, 4))  # Mon, Wed, Fri
    # Fri 6, Mon 9, Wed 11, Fri 13 March: the weekends and Tue/Thu in between do not count.
    await world.done(gym, date(2026, 3, 6), date(2026, 3, 9), date(2026, 3, 11), date(2026, 3, 13))
    progress = await world.service.get(ALICE, gym.id)
    assert (progress.streak.current, progress.streak.unit) == (4, "days")
    assert progress.scheduled_today and not progress.done_today
    world.clock.set(at("UTC", 2026, 3, 17, 9, 0))  # Tuesday: Monday was missed
    assert (await world.service.get(ALICE, gym.id)).streak.current == 0


async def test_a_times_per_week_habit_keeps_a_streak_of_weeks_that_met_the_target(
    world: World,
) -> None:
    world.clock.set(at("UTC", 2026, 3, 18, 9, 0))  # Wednesday of the week of 16 March
    swim = await world.habit("Swim", Schedule.per_week(2))
    # Weeks of 2 and 9 March: twice each. This week: once so far, still pending.
    await world.done(swim, date(2026, 3, 3), date(2026, 3, 8), date(2026, 3, 9), date(2026, 3, 12))
    await world.done(swim, date(2026, 3, 16))
    progress = await world.service.get(ALICE, swim.id)
    assert (progress.streak.current, progress.streak.unit) == (2, "weeks")
    assert progress.done_this_week == 1
    await world.done(swim, date(2026, 3, 18))
    assert (await world.service.get(ALICE, swim.id)).streak.current == 3
    world.clock.set(at("UTC", 2026, 3, 30, 9, 0))  # the week of 23 March had no swim
    assert (await world.service.get(ALICE, swim.id)).streak.current == 0
    assert (await world.service.get(ALICE, swim.id)).streak.best == 3


def test_strength_rises_with_practice_and_one_miss_does_not_erase_months() -> None:
    today = date(2026, 6, 30)
    start = today - timedelta(days=119)
    every_day = set(days_back(today, 120))
    strong = strength(Schedule.daily(), every_day, start, today)
    assert strong > 0.99
    one_miss = every_day - {today - timedelta(days=1)}
    after_miss = strength(Schedule.daily(), one_miss, start, today)
    assert strong - 0.06 < after_miss < strong
    assert streak(Schedule.daily(), one_miss, today).current == 1


def test_strength_halves_after_thirteen_misses_in_a_row() -> None:
    last_done = date(2026, 6, 30)
    practised = set(days_back(last_done, 200))
    start = min(practised)
    before = strength(Schedule.daily(), practised, start, last_done)
    # Thirteen days judged as missed; the fourteenth, "today", is still pending.
    after = strength(Schedule.daily(), practised, start, last_done + timedelta(days=14))
    assert abs(after - before / 2) < 0.01


def test_a_weekly_target_met_every_week_makes_a_strong_habit() -> None:
    today = date(2026, 6, 28)  # a Sunday
    start = today - timedelta(days=7 * 20 - 1)
    twice_weekly = {start + timedelta(days=7 * w + d) for w in range(20) for d in (1, 4)}
    score = strength(Schedule.per_week(2), twice_weekly, start, today)
    assert score > 0.9
    none = strength(Schedule.per_week(2), set(), start, today)
    assert none == 0.0


def test_rates_count_only_scheduled_days_since_the_habit_started() -> None:
    today = date(2026, 3, 16)  # Monday
    created = date(2026, 3, 2)  # two weeks ago, a Monday
    schedule = Schedule.on(0, 3)  # Mondays and Thursdays
    done = {date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 9)}
    week = completion_rate(schedule, done, created, today, 7)
    month = completion_rate(schedule, done, created, today, 30)
    # Last 7 days before today: Thu 12 March (missed); today (Monday) is pending.
    assert (week.done, week.expected, week.rate) == (0, 1, 0.0)
    # Since 2 March: Mon 2, Thu 5, Mon 9, Thu 12 were due; three were done.
    assert (month.done, month.expected, month.rate) == (3, 4, 0.75)


async def test_analytics_report_7_30_90_day_rates_and_the_weekday_pattern(
    world: World,
) -> None:
    world.clock.set(at("UTC", 2026, 2, 1, 9, 0))
    read = await world.habit()
    # Every day of January except Sundays, marked afterwards; today (a Sunday) is pending.
    january = [date(2026, 1, d) for d in range(1, 32) if date(2026, 1, d).weekday() != 6]
    await world.done(read, *january)
    analytics = await world.service.analytics(ALICE, read.id)
    assert [r.days for r in analytics.rates] == [7, 30, 90]
    # The last 7 days are 26 January to today; today is pending, so 6 days were due.
    assert (analytics.rates[0].done, analytics.rates[0].expected) == (6, 6)
    assert (analytics.rates[2].done, analytics.rates[2].expected) == (27, 31)
    sundays = analytics.by_weekday[6]
    assert (sundays.done, sundays.expected, sundays.rate) == (0, 4, 0.0)
    assert analytics.by_weekday[0].rate == 1.0
    assert analytics.progress.streak.current == 6


async def test_the_dashboard_summarises_every_active_habit_for_the_local_today(
    world: World,
) -> None:
    world.lives_in("Europe/Paris")
    world.clock.set(at("Europe/Paris", 2026, 3, 16, 8, 0))  # Monday
    read = await world.habit("Read")
    gym = await world.habit("Gym", Schedule.on(1, 3))  # not today
    walk = await world.habit("Walk")
    await world.service.update(ALICE, walk.id, archived=True)
    await world.done(read, date(2026, 3, 15), date(2026, 3, 16))
    await world.done(gym, date(2026, 3, 12))
    dashboard = await world.service.dashboard(ALICE)
    assert dashboard.today == date(2026, 3, 16)
    assert [h.habit.name for h in dashboard.habits] == ["Gym", "Read"]
    assert (dashboard.due_today, dashboard.done_today) == (1, 1)
    by_name = {h.habit.name: h for h in dashboard.habits}
    assert by_name["Read"].streak.current == 2
    assert not by_name["Gym"].scheduled_today
    assert by_name["Read"].strength > by_name["Gym"].strength > 0


async def test_moving_west_never_shortens_the_best_streak(world: World) -> None:
    world.lives_in("Asia/Tokyo")
    world.clock.set(at("Asia/Tokyo", 2026, 7, 21, 8, 0))  # 20 July 23:00 UTC
    read = await world.habit()
    await world.done(read, *days_back(date(2026, 7, 21), 5))  # 17 to 21 July
    assert (await world.service.get(ALICE, read.id)).streak.best == 5
    world.lives_in("America/Los_Angeles")  # 20 July 16:00 there: the 21st is still ahead
    progress = await world.service.get(ALICE, read.id)
    assert (progress.streak.current, progress.streak.best) == (4, 5)


async def test_the_months_of_all_habits_read_together_match_each_habits_own_month(
    world: World,
) -> None:
    world.clock.set(at("UTC", 2028, 3, 10, 12, 0))
    read = await world.habit("Read")
    gym = await world.habit("Gym", Schedule.on(0, 2, 4))
    gone = await world.habit("Gone")
    await world.service.update(ALICE, gone.id, archived=True)
    await world.done(read, date(2028, 3, 1), date(2028, 3, 2))
    await world.done(gym, date(2028, 3, 6))
    together = await world.service.calendars(ALICE, 2028, 3, limit=50)
    assert [h.name for h, _ in together] == ["Gym", "Read"]  # active ones, in list order
    for habit, month in together:
        assert month == await world.service.calendar(ALICE, habit.id, 2028, 3)
    months = {habit.id: month for habit, month in together}
    assert [d.day.day for d in months[read.id] if d.done] == [1, 2]
    assert len(await world.service.calendars(ALICE, 2028, 3, limit=1)) == 1
