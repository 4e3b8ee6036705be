"""Feedback and features in the feedback service's DynamoDB table.

    FEEDBACK#<id>  / FEEDBACK
    FEATURE#<id>   / FEATURE          votes (N), listed through gsi1: FEATURES / <created>#<id>
    FEATURE#<id>   / VOTE#<user>      one per user and feature; gsi1: VOTER#<user> / <feature>

A vote is one transaction: put the vote if absent, and ADD 1 to the feature's count if the
feature exists. Transactions are serialisable, so concurrent votes are counted exactly.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from adapters.dynamodb.table import INDEX_NAME, DynamoTable, cancellation_codes, to_item
from domains.feedback.model import Feature, FeatureStatus, Feedback
from domains.shared.errors import Conflict, NotFound

_ATTEMPTS = 6


def _feature(item: dict[str, Any]) -> Feature:
    return Feature(
        id=item["id"],
        title=item["title"],
        description=item.get("description", ""),
        status=FeatureStatus(item["status"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        created_by=item.get("created_by"),
        votes=int(item.get("votes", 0)),
    )


class DynamoDbFeedbackStore:
    def __init__(self, table: DynamoTable) -> None:
        self._table = table

    async def add_feedback(self, feedback: Feedback) -> None:
        await self._table.put(
            {
                "pk": f"FEEDBACK#{feedback.id}",
                "sk": "FEEDBACK",
                "id": feedback.id,
                "category": feedback.category.value,
                "text": feedback.text,
                "contact": feedback.contact,
                "created_at": feedback.created_at.astimezone(UTC).isoformat(),
            }
        )

    async def add_feature(self, feature: Feature) -> None:
        created = feature.created_at.astimezone(UTC).isoformat()
        await self._table.put(
            {
                "pk": f"FEATURE#{feature.id}",
                "sk": "FEATURE",
                "gsi1pk": "FEATURES",
                "gsi1sk": f"{created}#{feature.id}",
                "id": feature.id,
                "title": feature.title,
                "description": feature.description,
                "status": feature.status.value,
                "created_at": created,
                "created_by": feature.created_by,
                "votes": feature.votes,
            }
        )

    async def get_feature(self, feature_id: str) -> Feature | None:
        item = await self._table.get(f"FEATURE#{feature_id}", "FEATURE")
        return _feature(item) if item else None

    async def list_features(self) -> Sequence[Feature]:
        items = await self._table.query("gsi1pk = :p", {":p": "FEATURES"}, index=INDEX_NAME)
        # The index is eventually consistent: read the counts from the items themselves.
        found = [await self.get_feature(item["id"]) for item in items]
        return [f for f in found if f is not None]

    async def vote(self, feature_id: str, user_id: str, now: datetime) -> bool:
        vote = {
            "pk": f"FEATURE#{feature_id}",
            "sk": f"VOTE#{user_id}",
            "gsi1pk": f"VOTER#{user_id}",
            "gsi1sk": feature_id,
            "feature_id": feature_id,
            "user_id": user_id,
            "created_at": now.astimezone(UTC).isoformat(),
        }
        return await self._count(
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": to_item(vote),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            feature_id,
            1,
        )

    async def unvote(self, feature_id: str, user_id: str) -> bool:
        return await self._count(
            {
                "Delete": {
                    "TableName": self._table.name,
                    "Key": to_item({"pk": f"FEATURE#{feature_id}", "sk": f"VOTE#{user_id}"}),
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
            feature_id,
            -1,
        )

    async def _count(self, vote_change: dict[str, Any], feature_id: str, delta: int) -> bool:
        count = {
            "Update": {
                "TableName": self._table.name,
                "Key": to_item({"pk": f"FEATURE#{feature_id}", "sk": "FEATURE"}),
                "UpdateExpression": "ADD votes :delta",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": to_item({":delta": delta}),
            }
        }
        for attempt in range(_ATTEMPTS):
            try:
                await self._table.call("transact_write_items", TransactItems=[vote_change, count])
            except ClientError as e:
                codes = cancellation_codes(e)
                if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
                    raise NotFound("no such feature") from e
                if codes and codes[0] == "ConditionalCheckFailed":
                    return False
                # TransactionConflict: concurrent votes on one feature; each retry may pass.
                if attempt + 1 == _ATTEMPTS:
                    raise Conflict("too many votes at once; try again") from e
                await asyncio.sleep(0.02 * 2**attempt * random.random())
                continue
            return True
        return False

    async def voted_feature_ids(self, user_id: str) -> Sequence[str]:
        items = await self._table.query("gsi1pk = :p", {":p": f"VOTER#{user_id}"}, index=INDEX_NAME)
        ids = [item["feature_id"] for item in items]
        # The index may lag a just-written vote: confirm each from the table itself.
        return [i for i in ids if await self._table.get(f"FEATURE#{i}", f"VOTE#{user_id}")]

    async def proposed_by(self, user_id: str) -> Sequence[Feature]:
        return [f for f in await self.list_features() if f.created_by == user_id]

    async def forget_proposer(self, user_id: str) -> None:
        for feature in await self.proposed_by(user_id):
            await self._table.call(
                "update_item",
                Key=to_item({"pk": f"FEATURE#{feature.id}", "sk": "FEATURE"}),
                UpdateExpression="REMOVE created_by",
            )
