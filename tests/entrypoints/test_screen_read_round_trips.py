"""The screen reads served by the SQL units of work send PostgreSQL their queries and nothing
else: no BEGIN and no ROLLBACK around them. On a loaded two-core machine each round trip to
PostgreSQL is a send, a wake-up of its backend and a receive; a read wrapped in a transaction
that never writes paid two more of them per screen, for nothing (PostgreSQL's READ COMMITTED
takes a new snapshot for every statement inside a transaction too).

Composed as the API composes them (entrypoints.composition), on the production profile."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from adapters.sql.identity import SqlAlchemyIdentityUnitOfWork
from domains.identity.model import User
from domains.pomodoro.model import SessionKind
from domains.study.model import CardDraft
from entrypoints.composition.containers import Application
from entrypoints.settings import Settings
from tests.conftest import TEST_KEK, TEST_SECRET


@pytest.fixture
async def root(postgres_url: str, redis_prefix: str) -> AsyncIterator[Application]:
    settings = Settings(
        profile="production",
        database_url=postgres_url,
        redis_url="redis://127.0.0.1:6379/0",
        redis_prefix=redis_prefix,
        secret_key=TEST_SECRET,
        journal_kek=TEST_KEK,
    ).with_local_secrets()
    container = Application(settings=settings)
    try:
        yield container
    finally:
        await container.infrastructure.engine().dispose()


class SentToPostgres:
    """The transaction statements (BEGIN, COMMIT, ROLLBACK) the engine's connections send, as
    asyncpg logs them, and the number of queries SQLAlchemy executed."""

    def __init__(self, root: Application) -> None:
        self.transaction_statements: list[str] = []
        self.queries = 0
        self._engine = root.infrastructure.engine().sync_engine
        self._logged: set[int] = set()

    def _log(self, record: Any) -> None:
        self.transaction_statements.append(record.query.split(None, 1)[0].strip(";").upper())

    def _checkout(self, dbapi_connection: Any, *_: Any) -> None:
        driver = dbapi_connection.driver_connection
        if id(driver) not in self._logged:  # kept for the connection's life: logs come late
            self._logged.add(id(driver))
            driver.add_query_logger(self._log)

    def _query(self, *_: Any) -> None:
        self.queries += 1

    def __enter__(self) -> SentToPostgres:
        event.listen(self._engine.pool, "checkout", self._checkout)
        event.listen(self._engine, "before_cursor_execute", self._query)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self._engine.pool, "checkout", self._checkout)
        event.remove(self._engine, "before_cursor_execute", self._query)


async def _user(root: Application) -> str:
    now = datetime.now(UTC)
    user = User(str(uuid.uuid4()), f"{uuid.uuid4().hex[:10]}@example.com", "Ada", "UTC", now, now)
    async with SqlAlchemyIdentityUnitOfWork(root.infrastructure.engine()) as uow:
        await uow.users.add(user)
        await uow.commit()
    return user.id


async def test_pomodoro_and_study_screen_reads_send_no_transaction(root: Application) -> None:
    user_id = await _user(root)
    pomodoro = root.pomodoro.service()
    decks, cards, reviews = root.study.decks(), root.study.cards(), root.study.reviews()
    session = await pomodoro.start(user_id, SessionKind.FOCUS)
    deck = await decks.create_deck(user_id, "Deck")
    await cards.create_cards(user_id, deck.id, [CardDraft(f"Q{i}", "A") for i in range(3)])

    with SentToPostgres(root) as sent:
        current = await pomodoro.current(user_id)
        await pomodoro.stats(user_id, current.today, current.today)
        await pomodoro.history(user_id)
        queue = await reviews.queue(user_id, deck.id)
        await reviews.progress(user_id, deck.id)
        await asyncio.sleep(0.05)  # asyncpg hands its logs over on the next loop turns
    assert current.session is not None and current.session.id == session.id
    assert len(queue.new) == 3
    assert sent.queries >= 10
    assert sent.transaction_statements == []


async def test_writes_still_run_in_one_transaction(root: Application) -> None:
    user_id = await _user(root)
    pomodoro = root.pomodoro.service()
    with SentToPostgres(root) as sent:
        await pomodoro.start(user_id, SessionKind.FOCUS)
        await asyncio.sleep(0.05)
    assert sent.transaction_statements == ["BEGIN", "COMMIT"]
