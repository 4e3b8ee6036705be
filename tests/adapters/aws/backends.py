"""The serverless services' stores on every backend they run on: SQLite and PostgreSQL (the
embedded profile) and DynamoDB through the local AWS server (production)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.dynamodb.assistant import DynamoDbConversationStore
from adapters.dynamodb.email import (
    DynamoDbDeliveryLog,
    DynamoDbSubscriptionStore,
    DynamoDbSuppressionList,
)
from adapters.dynamodb.feedback import DynamoDbFeedbackStore
from adapters.sql.assistant import SqlAlchemyConversationStore
from adapters.sql.email import (
    SqlAlchemyDeliveryLog,
    SqlAlchemySubscriptionStore,
    SqlAlchemySuppressionList,
)
from adapters.sql.engine import create_engine
from adapters.sql.feedback import SqlAlchemyFeedbackStore
from adapters.sql.migrate import upgrade
from adapters.sql.tables.identity import users
from tests.adapters.aws.server import LocalAws

BACKENDS = ["sqlite", "postgres", "dynamodb"]


@dataclass
class Stores:
    backend: str
    subscriptions: Any
    suppressions: Any
    deliveries: Any
    feedback: Any
    conversations: Any
    engine: AsyncEngine | None = None

    async def new_user(self) -> str:
        """An account id; SQL tables refer to real accounts, DynamoDB keys are just strings."""
        user_id = str(uuid.uuid4())
        if self.engine is not None:
            now = datetime.now(UTC)
            async with self.engine.begin() as c:
                await c.execute(
                    insert(users).values(
                        id=user_id,
                        email=f"{user_id}@example.com",
                        email_verified=False,
                        display_name="x",
                        time_zone="UTC",
                        created_at=now,
                        updated_at=now,
                    )
                )
        return user_id


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Any]:
    """The backend's name and its address: resolved outside the event loop, because the
    session's PostgreSQL database is created with asyncio.run."""
    if request.param == "dynamodb":
        return "dynamodb", request.getfixturevalue("local_aws")
    if request.param == "sqlite":
        return "sqlite", f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    return "postgres", request.getfixturevalue("postgres_url")


@pytest.fixture
async def stores(backend: tuple[str, Any]) -> AsyncIterator[Stores]:
    name, where = backend
    if name == "dynamodb":
        aws: LocalAws = where
        table = aws.new_table()
        yield Stores(
            "dynamodb",
            DynamoDbSubscriptionStore(table),
            DynamoDbSuppressionList(table),
            DynamoDbDeliveryLog(table),
            DynamoDbFeedbackStore(aws.new_table()),
            DynamoDbConversationStore(aws.new_table()),
        )
        return
    engine = create_engine(where, pool_size=10)
    if name == "sqlite":
        await upgrade(engine)
    try:
        yield Stores(
            name,
            SqlAlchemySubscriptionStore(engine),
            SqlAlchemySuppressionList(engine),
            SqlAlchemyDeliveryLog(engine),
            SqlAlchemyFeedbackStore(engine),
            SqlAlchemyConversationStore(engine),
            engine,
        )
    finally:
        await engine.dispose()
