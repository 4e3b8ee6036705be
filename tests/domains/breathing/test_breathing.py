from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domains.breathing.catalogue import TECHNIQUES
from domains.breathing.model import BreathingSession
from domains.breathing.use_cases import BreathingService, BreathingUserData
from domains.shared.days import UserDays
from domains.shared.errors import InvalidInput, NotFound
from tests.domains.breathing.fakes import (
    FakeBreathingUnitOfWork,
    FakeClock,
    FakeEvents,
    FakeZones,
)


@pytest.fixture
def rows() -> dict[str, BreathingSession]:
    return {}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def events() -> FakeEvents:
    return FakeEvents()


@pytest.fixture
def zones() -> FakeZones:
    return FakeZones(ann="UTC", kai="Pacific/Auckland")


@pytest.fixture
def service(
    rows: dict[str, BreathingSession], clock: FakeClock, events: FakeEvents, zones: FakeZones
) -> BreathingService:
    return BreathingService(
        lambda: FakeBreathingUnitOfWork(rows), UserDays(zones, clock), clock, events
    )


def test_the_catalogue_has_ten_distinct_techniques_with_timed_phases() -> None:
    assert len(TECHNIQUES) >= 10
    assert len({t.slug for t in TECHNIQUES}) == len(TECHNIQUES)
    for t in TECHNIQUES:
        assert t.phases and all(p.seconds > 0 for p in t.phases), t.slug
        assert {p.kind for p in t.phases} <= {"inhale", "hold", "exhale"}
        assert t.phases[0].kind == "inhale" and any(p.kind == "exhale" for p in t.phases)
        assert t.suggested_cycles > 0 and t.description


def test_well_known_timings_are_what_people_are_taught(service: BreathingService) -> None:
    seconds = {t.slug: [p.seconds for p in t.phases] for t in service.techniques()}
    assert seconds["box"] == [4, 4, 4, 4]
    assert seconds["4-7-8"] == [4, 7, 8]
    assert service.technique("physiological-sigh").phases[1].kind == "inhale"


async def test_a_logged_session_lands_on_the_users_day_and_is_a_productive_action(
    service: BreathingService, clock: FakeClock, events: FakeEvents
) -> None:
    clock.current = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)  # already 11 March in Auckland
    session = await service.log_session("kai", "box", 6, 96)
    assert session.local_date == date(2026, 3, 11)
    assert [(e.user_id, e.kind) for e in events.published] == [("kai", "breathing_session")]


async def test_totals_add_up_per_technique_and_per_day(
    service: BreathingService, clock: FakeClock
) -> None:
    await service.log_session("ann", "box", 6, 96)
    await service.log_session("ann", "box", 4, 64)
    clock.advance(days=1)
    await service.log_session("ann", "coherent", 27, 297)
    await service.log_session("kai", "box", 1, 16)
    totals = await service.totals("ann", date(2026, 3, 10), date(2026, 3, 11))
    assert (totals.sessions, totals.cycles, totals.seconds) == (3, 37, 457)
    assert [(t.technique, t.sessions) for t in totals.per_technique] == [
        ("box", 2),
        ("coherent", 1),
    ]
    assert [(d.date, d.seconds) for d in totals.per_day] == [
        (date(2026, 3, 10), 160),
        (date(2026, 3, 11), 297),
    ]
    all_time = await service.totals("ann")
    assert all_time.sessions == 3 and all_time.per_day == ()


@pytest.mark.parametrize(
    ("technique", "cycles", "seconds", "field"),
    [
        ("unknown", 4, 60, "technique"),
        ("box", 0, 60, "cycles"),
        ("box", 1001, 60, "cycles"),
        ("box", 4, 0, "duration_seconds"),
        ("box", 4, 4 * 3600 + 1, "duration_seconds"),
    ],
)
async def test_out_of_range_sessions_are_refused_naming_the_field(
    service: BreathingService,
    events: FakeEvents,
    technique: str,
    cycles: int,
    seconds: int,
    field: str,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.log_session("ann", technique, cycles, seconds)
    assert refused.value.field == field
    assert events.published == []


async def test_ranges_must_be_ordered_bounded_and_not_far_off(service: BreathingService) -> None:
    for start, end in [
        (date(2026, 3, 5), date(2026, 3, 1)),
        (date(1999, 12, 31), date(2000, 1, 5)),
        (date(2028, 1, 1), date(2028, 1, 2)),
        (date(2025, 1, 1), date(2026, 3, 1)),
    ]:
        with pytest.raises(InvalidInput):
            await service.totals("ann", start, end)
    with pytest.raises(InvalidInput):
        await service.totals("ann", date(2026, 3, 1), None)


async def test_another_users_session_is_not_found(service: BreathingService) -> None:
    session = await service.log_session("ann", "box", 4, 64)
    with pytest.raises(NotFound):
        await service.session("kai", session.id)
    with pytest.raises(NotFound):
        await service.delete_session("kai", session.id)
    await service.delete_session("ann", session.id)
    with pytest.raises(NotFound):
        await service.session("ann", session.id)


async def test_unknown_technique_slugs_are_not_found(service: BreathingService) -> None:
    with pytest.raises(NotFound):
        service.technique("../../etc/passwd")


async def test_export_lists_sessions_and_erase_removes_only_that_users(
    service: BreathingService, rows: dict[str, BreathingSession]
) -> None:
    await service.log_session("ann", "resonant", 25, 300)
    await service.log_session("kai", "resonant", 25, 300)
    data = BreathingUserData(lambda: FakeBreathingUnitOfWork(rows))
    assert [s["cycles"] for s in (await data.export("ann"))["sessions"]] == [25]
    await data.erase("ann")
    assert (await data.export("ann"))["sessions"] == []
    assert len((await data.export("kai"))["sessions"]) == 1
