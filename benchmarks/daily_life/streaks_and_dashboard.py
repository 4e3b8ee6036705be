"""Everyday-domains benchmark (not a test): how fast the app streak absorbs productive actions,
and what a calendar day and the dashboard cost for a user with a year of history.

    .venv/bin/python benchmarks/daily_life/streaks_and_dashboard.py [--database-url URL]
        [--users 50] [--days 365]

Defaults to a SQLite file in a temporary folder; pass an empty, migrated-or-not PostgreSQL
database URL (postgresql+asyncpg://...) to measure the production database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from adapters.cache import StoreCache
from adapters.calendar.sections import (
    ActiveGoalsPanel,
    ActivitySection,
    BreathingSection,
    DailyContentPanel,
    GoalsSection,
    MoodSection,
    StreakPanel,
)
from adapters.content.library import JsonContentLibrary
from adapters.sql.breathing import SqlAlchemyBreathingUnitOfWork
from adapters.sql.engine import create_engine
from adapters.sql.goals import SqlAlchemyGoalsUnitOfWork
from adapters.sql.identity import SqlAlchemyIdentityUnitOfWork
from adapters.sql.migrate import upgrade
from adapters.sql.mood import SqlAlchemyMoodUnitOfWork
from adapters.sql.streaks import SqlAlchemyStreakUnitOfWork
from adapters.sql.user_time_zones import SqlAlchemyUserTimeZones
from domains.breathing.use_cases import BreathingService
from domains.calendar.use_cases import CalendarService
from domains.daily.use_cases import DailyContentService
from domains.goals.use_cases import GoalsService
from domains.identity.model import User
from domains.mood.use_cases import MoodService
from domains.shared.days import UserDays
from domains.shared.events import InProcessEventBus, ProductiveAction
from domains.streaks.use_cases import StreakService


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


async def timed(label: str, calls: int, call: Callable[[], Awaitable[object]]) -> None:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:<44} p50 {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms")


async def main(url: str, users: int, days: int) -> None:
    engine = create_engine(url, pool_size=20, max_overflow=10)
    await upgrade(engine)
    now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    ids = [str(uuid.uuid4()) for _ in range(users)]
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        for user_id in ids:
            email = f"{user_id[:12]}@example.com"
            await uow.users.add(User(user_id, email, "Bench", "Europe/Paris", now, now))
        await uow.commit()
    clock = Clock(now)
    days_of = UserDays(SqlAlchemyUserTimeZones(engine), clock)
    events = InProcessEventBus()
    streaks = StreakService(lambda: SqlAlchemyStreakUnitOfWork(engine), days_of)
    paris = await days_of.of(ids[0])  # every user lives in Paris

    # A year of daily actions for every user, all at once: each is a new day (the slow path).
    actions = [
        ProductiveAction(
            user_id,
            "focus_session",
            now - timedelta(days=d),
            paris.date_of(now - timedelta(days=d)),
        )
        for d in range(days)
        for user_id in ids
    ]
    started = time.perf_counter()
    for chunk in range(0, len(actions), 200):
        await asyncio.gather(*(streaks.record(a) for a in actions[chunk : chunk + 200]))
    new_days = time.perf_counter() - started
    # The same day again: the idempotent fast path every later action of a day takes.
    started = time.perf_counter()
    repeat = [
        ProductiveAction(u, "mood_entry", now, paris.date_of(now)) for u in ids for _ in range(10)
    ]
    for chunk in range(0, len(repeat), 200):
        await asyncio.gather(*(streaks.record(a) for a in repeat[chunk : chunk + 200]))
    repeats = time.perf_counter() - started
    longest = (await streaks.streak(ids[0])).longest
    assert longest == days, longest

    # One user's year of mood, breathing and goals, for the day view and dashboard.
    mood = MoodService(lambda: SqlAlchemyMoodUnitOfWork(engine), days_of, clock, events)
    breathing = BreathingService(
        lambda: SqlAlchemyBreathingUnitOfWork(engine), days_of, clock, events
    )
    goals = GoalsService(lambda: SqlAlchemyGoalsUnitOfWork(engine), days_of, clock)
    user = ids[0]
    for d in range(days):
        clock.current = now - timedelta(days=d)
        for _ in range(3):
            await mood.record(user, happiness=4, focus=3, stress=2)
        await breathing.log_session(user, "box", 6, 96)
    clock.current = now
    for g in range(20):
        goal = await goals.create(
            user, title=f"Goal {g}", horizon="long_term", kind="counter", target=100
        )
        for _ in range(10):
            await goals.update_progress(user, goal.id, delta=1)
    daily = DailyContentService(JsonContentLibrary(), StoreCache.memory(), clock)
    calendar = CalendarService(
        days_of,
        sections=[
            ActivitySection(streaks),
            MoodSection(mood),
            BreathingSection(breathing),
            GoalsSection(goals),
        ],
        panels=[StreakPanel(streaks), ActiveGoalsPanel(goals), DailyContentPanel(daily)],
    )

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"database: {engine.dialect.name}; {users} users x {days} days")
    print(f"{'streak, first action of a day':<44} {len(actions) / new_days:9.0f} actions/s")
    print(f"{'streak, later actions of the same day':<44} {len(repeat) / repeats:9.0f} actions/s")
    await timed("calendar day view (4 sections)", 100, lambda: calendar.day(user, date(2026, 6, 1)))
    await timed("dashboard (3 panels + today's sections)", 100, lambda: calendar.dashboard(user))
    await timed("daily content, cached", 1000, daily.for_today)
    await timed(
        "daily content, chosen afresh", 1000, lambda: asyncio.sleep(0, daily.choose(now.date()))
    )
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    url = args.database_url or f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    asyncio.run(main(url, args.users, args.days))
