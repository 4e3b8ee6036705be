"""Feedback and features in SQL (the embedded profile). A vote is an insert that the primary
key (feature, user) refuses the second time, and the count moves in the same transaction by
an atomic UPDATE ... SET votes = votes + 1."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exc, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.tables.feedback import feature_votes, features, feedback
from domains.feedback.model import Feature, FeatureStatus, Feedback
from domains.shared.errors import NotFound


def _feature(row: Any) -> Feature:
    values = dict(row)
    values["status"] = FeatureStatus(values["status"])
    return Feature(**values)


class SqlAlchemyFeedbackStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add_feedback(self, item: Feedback) -> None:
        async with self._engine.begin() as c:
            await c.execute(
                insert(feedback).values(
                    id=item.id,
                    category=item.category.value,
                    text=item.text,
                    contact=item.contact,
                    created_at=item.created_at,
                )
            )

    async def add_feature(self, feature: Feature) -> None:
        async with self._engine.begin() as c:
            await c.execute(
                insert(features).values(
                    id=feature.id,
                    title=feature.title,
                    description=feature.description,
                    status=feature.status.value,
                    votes=feature.votes,
                    created_at=feature.created_at,
                    created_by=feature.created_by,
                )
            )

    async def get_feature(self, feature_id: str) -> Feature | None:
        async with self._engine.connect() as c:
            found = await c.execute(select(features).where(features.c.id == feature_id))
            row = found.mappings().first()
        return _feature(row) if row else None

    async def list_features(self) -> Sequence[Feature]:
        async with self._engine.connect() as c:
            rows = await c.execute(select(features))
            return [_feature(row) for row in rows.mappings()]

    async def vote(self, feature_id: str, user_id: str, now: datetime) -> bool:
        try:
            async with self._engine.begin() as c:
                counted = await c.execute(
                    update(features)
                    .where(features.c.id == feature_id)
                    .values(votes=features.c.votes + 1)
                )
                if counted.rowcount != 1:
                    raise NotFound("no such feature")
                await c.execute(
                    insert(feature_votes).values(
                        feature_id=feature_id, user_id=user_id, created_at=now
                    )
                )
        except exc.IntegrityError:
            return False  # already voted: the transaction, count included, rolled back
        return True

    async def unvote(self, feature_id: str, user_id: str) -> bool:
        async with self._engine.begin() as c:
            removed = await c.execute(
                delete(feature_votes).where(
                    feature_votes.c.feature_id == feature_id, feature_votes.c.user_id == user_id
                )
            )
            if removed.rowcount != 1:
                return False
            await c.execute(
                update(features)
                .where(features.c.id == feature_id)
                .values(votes=features.c.votes - 1)
            )
        return True

    async def voted_feature_ids(self, user_id: str) -> Sequence[str]:
        async with self._engine.connect() as c:
            rows = await c.execute(
                select(feature_votes.c.feature_id).where(feature_votes.c.user_id == user_id)
            )
            return list(rows.scalars())

    async def proposed_by(self, user_id: str) -> Sequence[Feature]:
        async with self._engine.connect() as c:
            rows = await c.execute(select(features).where(features.c.created_by == user_id))
            return [_feature(row) for row in rows.mappings()]

    async def forget_proposer(self, user_id: str) -> None:
        async with self._engine.begin() as c:
            await c.execute(
                update(features).where(features.c.created_by == user_id).values(created_by=None)
            )
