"""The review queue's and deck progress's counts over today's reviews stay proportional to those
reviews on PostgreSQL, whatever plan the planner picks.

A fresh database (statistics not yet gathered, as for a new deployment or a busy new table) and
a generic plan (what a prepared statement settles on after five runs) are the worst case: the
counts once matched reviews to the deck's cards with a semi-join, which such a plan ran as a
nested loop over the whole deck for every review (400 reviews of a 400-card deck: some 160,000
rows per queue, 21 ms of PostgreSQL per request under load). The test replays the statements the
queue and progress actually send, under that plan, and counts the rows PostgreSQL touched."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.scheduling.fsrs_scheduler import FsrsScheduler
from adapters.sql.engine import create_engine
from adapters.sql.identity import SqlAlchemyIdentityUnitOfWork
from adapters.sql.study import SqlAlchemyStudyUnitOfWork
from adapters.sql.tables.study import study_reviews
from adapters.sql.user_time_zones import SqlAlchemyUserTimeZones
from domains.identity.model import User
from domains.shared.days import UserDays
from domains.study.cards import CardService
from domains.study.decks import DeckService
from domains.study.model import CardDraft
from domains.study.reviews import ReviewService
from tests.domains.journal.fakes import FakeClock
from tests.support.servers import migrated_postgres_database

CARDS = 400
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """A new, migrated database whose tables have never been analysed."""
    with migrated_postgres_database() as url:
        yield url


def _rows_touched(plan: dict[str, Any]) -> int:
    """Rows a plan node and its children produced or threw away, over all their loops."""
    loops = plan.get("Actual Loops", 1)
    own = sum(
        plan.get(key, 0)
        for key in (
            "Actual Rows",
            "Rows Removed by Filter",
            "Rows Removed by Join Filter",
            "Rows Removed by Index Recheck",
        )
    )
    return own * loops + sum(_rows_touched(child) for child in plan.get("Plans", []))


def _literal(value: Any) -> str:
    """A parameter as SQL text (EXPLAIN EXECUTE takes no bind parameters)."""
    if isinstance(value, datetime):
        return f"'{value.isoformat()}'::timestamptz"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


async def _seed(engine: AsyncEngine) -> tuple[str, str, ReviewService]:
    clock = FakeClock(NOW)
    user = User(str(uuid.uuid4()), "plans@example.com", "Ada", "UTC", NOW, NOW)
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.commit()

    def study() -> SqlAlchemyStudyUnitOfWork:
        return SqlAlchemyStudyUnitOfWork(engine)

    deck = await DeckService(study, clock).create_deck(user.id, "Deck")
    cards = await CardService(study, clock).create_cards(
        user.id, deck.id, [CardDraft(f"Q{i}", "A") for i in range(CARDS)]
    )
    # Every card introduced today: the rows a busy learner's first day leaves.
    schedule = {"state": "new", "due": NOW.isoformat(), "reps": 0, "lapses": 0}
    async with engine.begin() as c:
        await c.execute(
            insert(study_reviews),
            [
                {
                    "id": str(uuid.uuid4()),
                    "user_id": user.id,
                    "card_id": card.id,
                    "rating": 3,
                    "reviewed_at": NOW - timedelta(minutes=i % 600),
                    "duration_ms": None,
                    "state_before": "new",
                    "before": schedule,
                    "after": schedule,
                }
                for i, card in enumerate(cards)
            ],
        )
    reviews = ReviewService(
        study, FsrsScheduler(fuzzing=False), clock, UserDays(SqlAlchemyUserTimeZones(engine), clock)
    )
    return user.id, deck.id, reviews


async def test_counts_over_todays_reviews_touch_rows_in_proportion_to_them(
    fresh_postgres: str,
) -> None:
    engine = create_engine(fresh_postgres)
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "FROM study_reviews" in statement and "count(" in statement:
            sent.append((statement, tuple(params)))

    try:
        user_id, deck_id, reviews = await _seed(engine)
        event.listen(engine.sync_engine, "before_cursor_execute", capture)
        queue = await reviews.queue(user_id, deck_id)
        progress = await reviews.progress(user_id, deck_id)
    finally:
        await engine.dispose()
    assert queue.new == [] and queue.new_left_today == 0  # today's allowance was spent
    assert progress.reviews_last_30_days == CARDS
    assert len(sent) >= 2, "the queue and progress count today's reviews"

    conn = await asyncpg.connect(fresh_postgres.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("SET plan_cache_mode = force_generic_plan")
        for n, (statement, params) in enumerate(sent):
            await conn.execute(f"PREPARE counted_{n} AS {statement}")
            values = ", ".join(_literal(p) for p in params)
            raw = await conn.fetchval(
                f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE counted_{n}({values})"
            )
            plan = json.loads(raw)[0]["Plan"]
            touched = _rows_touched(plan)
            assert touched <= 10 * CARDS, (
                f"{touched} rows touched for {CARDS} reviews by:\n{statement}\n"
                + json.dumps(plan, indent=1)[:3000]
            )
    finally:
        await conn.close()
