"""Breathing sessions and mood entries on both databases: local days, totals and averages,
other users' rows out of reach, erasure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.breathing import SqlAlchemyBreathingUnitOfWork
from adapters.sql.mood import SqlAlchemyMoodUnitOfWork
from adapters.sql.user_time_zones import SqlAlchemyUserTimeZones
from domains.breathing.use_cases import BreathingService, BreathingUserData
from domains.mood.use_cases import MoodService, MoodUserData
from domains.shared.days import UserDays
from domains.shared.errors import NotFound
from domains.shared.events import InProcessEventBus, ProductiveAction
from tests.adapters.accounts import delete_user, new_user


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def bus() -> tuple[InProcessEventBus, list[ProductiveAction]]:
    events, seen = InProcessEventBus(), []

    async def keep(event: ProductiveAction) -> None:
        seen.append(event)

    events.subscribe(keep)
    return events, seen


def breathing(engine: AsyncEngine, clock: Clock, events: InProcessEventBus) -> BreathingService:
    return BreathingService(
        uow=lambda: SqlAlchemyBreathingUnitOfWork(engine),
        user_days=UserDays(SqlAlchemyUserTimeZones(engine), clock),
        clock=clock,
        events=events,
    )


def mood(engine: AsyncEngine, clock: Clock, events: InProcessEventBus) -> MoodService:
    return MoodService(
        uow=lambda: SqlAlchemyMoodUnitOfWork(engine),
        user_days=UserDays(SqlAlchemyUserTimeZones(engine), clock),
        clock=clock,
        events=events,
    )


async def test_breathing_sessions_land_on_the_users_day_and_add_up(engine: AsyncEngine) -> None:
    user = await new_user(engine, time_zone="Asia/Tokyo")
    clock = Clock(datetime(2026, 4, 1, 14, 30, tzinfo=UTC))  # 23:30 in Tokyo
    events, seen = bus()
    service = breathing(engine, clock, events)
    await service.log_session(user, "box", 6, 96)
    clock.current += timedelta(hours=1)  # 00:30 on 2 April in Tokyo
    await service.log_session(user, "box", 4, 64)
    clock.current += timedelta(minutes=5)
    await service.log_session(user, "4-7-8", 4, 76)

    totals = await service.totals(user, date(2026, 4, 1), date(2026, 4, 2))
    assert (totals.sessions, totals.cycles, totals.seconds) == (3, 14, 236)
    assert [(t.technique, t.sessions, t.seconds) for t in totals.per_technique] == [
        ("4-7-8", 1, 76),
        ("box", 2, 160),
    ]
    assert [(d.date, d.sessions) for d in totals.per_day] == [
        (date(2026, 4, 1), 1),
        (date(2026, 4, 2), 2),
    ]
    assert [e.kind for e in seen] == ["breathing_session"] * 3
    newest = await service.sessions(user, limit=1)
    assert newest[0].technique == "4-7-8" and newest[0].completed_at.tzinfo is not None


async def test_another_users_breathing_session_cannot_be_read_or_deleted(
    engine: AsyncEngine,
) -> None:
    owner, other = await new_user(engine), await new_user(engine)
    service = breathing(engine, Clock(datetime(2026, 4, 1, 9, tzinfo=UTC)), bus()[0])
    session = await service.log_session(owner, "coherent", 27, 300)
    with pytest.raises(NotFound):
        await service.session(other, session.id)
    with pytest.raises(NotFound):
        await service.delete_session(other, session.id)
    assert (await service.session(owner, session.id)).cycles == 27
    assert (await service.totals(other)).sessions == 0


async def test_breathing_export_and_erasure(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    service = breathing(engine, Clock(datetime(2026, 4, 1, 9, tzinfo=UTC)), bus()[0])
    await service.log_session(user, "resonant", 25, 300)
    data = BreathingUserData(lambda: SqlAlchemyBreathingUnitOfWork(engine))
    exported = await data.export(user)
    assert [s["technique"] for s in exported["sessions"]] == ["resonant"]
    await data.erase(user)
    assert await data.export(user) == {"sessions": []}


async def test_mood_averages_are_per_local_day(engine: AsyncEngine) -> None:
    user = await new_user(engine, time_zone="America/New_York")
    clock = Clock(datetime(2026, 4, 2, 3, 0, tzinfo=UTC))  # 1 April 23:00 in New York
    service = mood(engine, clock, bus()[0])
    await service.record(user, happiness=2, focus=3, stress=5)
    clock.current += timedelta(hours=2)  # 2 April 01:00 in New York
    await service.record(user, happiness=4, focus=4, stress=2, note="slept well")
    clock.current += timedelta(minutes=5)
    await service.record(user, happiness=5, focus=3, stress=1)

    days = await service.days(user, date(2026, 4, 1), date(2026, 4, 2))
    assert [(d.date, d.entries, d.happiness, d.focus, d.stress) for d in days] == [
        (date(2026, 4, 1), 1, 2.0, 3.0, 5.0),
        (date(2026, 4, 2), 2, 4.5, 3.5, 1.5),
    ]
    today = await service.entries(user)
    assert [e.note for e in today] == ["slept well", ""]


async def test_a_corrected_mood_entry_keeps_its_day_and_others_cannot_touch_it(
    engine: AsyncEngine,
) -> None:
    owner, other = await new_user(engine), await new_user(engine)
    clock = Clock(datetime(2026, 4, 1, 9, tzinfo=UTC))
    service = mood(engine, clock, bus()[0])
    entry = await service.record(owner, happiness=3, focus=3, stress=3)
    clock.current += timedelta(days=2)
    corrected = await service.correct(owner, entry.id, stress=1, note="better")
    assert (corrected.stress, corrected.local_date) == (1, date(2026, 4, 1))
    with pytest.raises(NotFound):
        await service.correct(other, entry.id, stress=5)
    with pytest.raises(NotFound):
        await service.delete(other, entry.id)
    assert (await service.entry(owner, entry.id)).stress == 1


async def test_deleting_the_account_removes_its_mood_entries(engine: AsyncEngine) -> None:
    user = await new_user(engine)
    service = mood(engine, Clock(datetime(2026, 4, 1, 9, tzinfo=UTC)), bus()[0])
    await service.record(user, happiness=3, focus=3, stress=3)
    data = MoodUserData(lambda: SqlAlchemyMoodUnitOfWork(engine))
    assert len((await data.export(user))["entries"]) == 1
    await delete_user(engine, user)  # ON DELETE CASCADE, even without the contributor
    assert (await data.export(user))["entries"] == []
