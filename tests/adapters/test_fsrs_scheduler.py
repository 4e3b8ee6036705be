"""The FSRS adapter: the port's schedules map onto the fsrs package and back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from adapters.scheduling.fsrs_scheduler import FsrsScheduler
from domains.study.model import CardState, Rating, Schedule

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _run(scheduler: FsrsScheduler, ratings: list[int]) -> list[tuple[Schedule, timedelta]]:
    schedule, now, out = Schedule.new(START), START, []
    for rating in ratings:
        now = max(now, schedule.due)
        schedule = scheduler.next(schedule, Rating(rating), now, 0.9)
        out.append((schedule, schedule.due - now))
    return out


def test_a_new_card_enters_learning_then_graduates_to_review() -> None:
    (first, _), (second, interval) = _run(FsrsScheduler(fuzzing=False), [3, 3])
    assert first.state is CardState.LEARNING and first.reps == 1
    assert second.state is CardState.REVIEW and interval >= timedelta(days=1)
    assert second.stability is not None and second.difficulty is not None


def test_intervals_still_grow_with_fuzzing_on() -> None:
    intervals = [i for _, i in _run(FsrsScheduler(), [3] * 7)[2:]]
    assert intervals == sorted(intervals) and intervals[-1] > intervals[0] * 4


def test_a_lapse_is_counted_and_relearning_is_short() -> None:
    *_, (lapsed, interval) = _run(FsrsScheduler(fuzzing=False), [3, 3, 3, 1])
    assert lapsed.state is CardState.RELEARNING and lapsed.lapses == 1
    assert interval <= timedelta(minutes=10)


def test_times_in_other_zones_are_taken_as_the_same_instant() -> None:
    scheduler = FsrsScheduler(fuzzing=False)
    local = START.astimezone(ZoneInfo("Asia/Tokyo"))
    a = scheduler.next(Schedule.new(START), Rating.GOOD, START, 0.9)
    b = scheduler.next(Schedule.new(local), Rating.GOOD, local, 0.9)
    assert a == b and a.due.tzinfo is not None
