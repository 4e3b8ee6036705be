from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domains.mood.model import MoodEntry
from domains.mood.use_cases import MoodService, MoodUserData
from domains.shared.days import UserDays
from domains.shared.errors import InvalidInput, NotFound
from tests.domains.mood.fakes import FakeClock, FakeEvents, FakeMoodUnitOfWork, FakeZones


@pytest.fixture
def rows() -> dict[str, MoodEntry]:
    return {}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def events() -> FakeEvents:
    return FakeEvents()


@pytest.fixture
def zones() -> FakeZones:
    return FakeZones(ann="UTC", luz="America/Mexico_City", lia="Europe/Lisbon")


@pytest.fixture
def service(
    rows: dict[str, MoodEntry], clock: FakeClock, events: FakeEvents, zones: FakeZones
) -> MoodService:
    return MoodService(lambda: FakeMoodUnitOfWork(rows), UserDays(zones, clock), clock, events)


async def test_several_entries_a_day_average_per_local_day(
    service: MoodService, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)  # 9 March 23:00 in Mexico City
    await service.record("luz", happiness=1, focus=2, stress=5)
    clock.current = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)  # 10 March 01:00
    await service.record("luz", happiness=4, focus=3, stress=2)
    await service.record("luz", happiness=5, focus=4, stress=1)
    days = await service.days("luz", date(2026, 3, 9), date(2026, 3, 10))
    assert [(d.date, d.entries, d.happiness, d.focus, d.stress) for d in days] == [
        (date(2026, 3, 9), 1, 1.0, 2.0, 5.0),
        (date(2026, 3, 10), 2, 4.5, 3.5, 1.5),
    ]


async def test_the_day_follows_the_clocks_going_forward(
    service: MoodService, clock: FakeClock
) -> None:
    # Lisbon moves to summer time at 01:00 UTC on 29 March 2026; 23:30 UTC is 00:30 next day.
    clock.current = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    before = await service.record("lia", happiness=3, focus=3, stress=3)
    clock.current = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)  # 23:30 WEST, still 29 March
    after = await service.record("lia", happiness=3, focus=3, stress=3)
    assert (before.local_date, after.local_date) == (date(2026, 3, 28), date(2026, 3, 29))
    clock.current = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)  # 00:30 WEST on 30 March
    assert (await service.record("lia", happiness=3, focus=3, stress=3)).local_date == date(
        2026, 3, 30
    )


async def test_recording_is_a_productive_action(service: MoodService, events: FakeEvents) -> None:
    await service.record("ann", happiness=3, focus=3, stress=3)
    assert [e.kind for e in events.published] == ["mood_entry"]


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"happiness": 0, "focus": 3, "stress": 3}, "happiness"),
        ({"happiness": 3, "focus": 6, "stress": 3}, "focus"),
        ({"happiness": 3, "focus": 3, "stress": -2}, "stress"),
        ({"happiness": True, "focus": 3, "stress": 3}, "happiness"),
    ],
)
async def test_scores_outside_1_to_5_are_refused(
    service: MoodService, events: FakeEvents, scores: dict[str, int], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.record(
            "ann", happiness=scores["happiness"], focus=scores["focus"], stress=scores["stress"]
        )
    assert refused.value.field == field
    assert events.published == []


async def test_notes_are_bounded_and_control_characters_are_refused(
    service: MoodService,
) -> None:
    with pytest.raises(InvalidInput):
        await service.record("ann", happiness=3, focus=3, stress=3, note="x" * 501)
    with pytest.raises(InvalidInput):
        await service.record("ann", happiness=3, focus=3, stress=3, note="bell\x07")
    entry = await service.record("ann", happiness=3, focus=3, stress=3, note="  two\nlines  ")
    assert entry.note == "two\nlines"


async def test_a_correction_keeps_the_entrys_day_and_others_cannot_make_one(
    service: MoodService, clock: FakeClock
) -> None:
    entry = await service.record("ann", happiness=2, focus=2, stress=4)
    clock.advance(days=3)
    corrected = await service.correct("ann", entry.id, happiness=4)
    assert (corrected.happiness, corrected.local_date) == (4, date(2026, 3, 10))
    with pytest.raises(NotFound):
        await service.correct("luz", entry.id, happiness=1)
    with pytest.raises(NotFound):
        await service.delete("luz", entry.id)
    with pytest.raises(NotFound):
        await service.entry("luz", entry.id)


async def test_without_a_range_the_users_today_is_shown(
    service: MoodService, clock: FakeClock
) -> None:
    await service.record("ann", happiness=3, focus=3, stress=3)
    clock.advance(days=1)
    await service.record("ann", happiness=5, focus=5, stress=1)
    assert [e.happiness for e in await service.entries("ann")] == [5]


async def test_far_or_reversed_ranges_are_refused(service: MoodService) -> None:
    with pytest.raises(InvalidInput):
        await service.days("ann", date(1999, 1, 1), date(1999, 1, 2))
    with pytest.raises(InvalidInput):
        await service.days("ann", date(2026, 3, 10), date(2026, 3, 1))
    with pytest.raises(InvalidInput):
        await service.entries("ann", None, date(2031, 1, 1))


async def test_export_and_erase(service: MoodService, rows: dict[str, MoodEntry]) -> None:
    await service.record("ann", happiness=3, focus=4, stress=2, note="fine")
    data = MoodUserData(lambda: FakeMoodUnitOfWork(rows))
    assert [e["note"] for e in (await data.export("ann"))["entries"]] == ["fine"]
    await data.erase("ann")
    assert (await data.export("ann"))["entries"] == []
