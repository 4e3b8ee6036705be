"""A thin async face on one DynamoDB table. boto3 is synchronous: each call runs in a worker
thread so an event loop (the API's) never blocks on the network."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from domains.shared.errors import Unavailable

INDEX_NAME = "gsi1"
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: _deserializer.deserialize(v) for k, v in item.items()}
    return {
        k: int(v) if isinstance(v, Decimal) and v == v.to_integral() else v for k, v in out.items()
    }


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def cancellation_codes(error: ClientError) -> list[str]:
    reasons = error.response.get("CancellationReasons") or []
    return [str(r.get("Code", "None")) for r in reasons]


class DynamoTable:
    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name

    async def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """Runs a client operation on this table. Conditional failures are returned to the
        caller as ClientError (they are answers, not outages); anything else is Unavailable."""
        if operation not in {"transact_write_items", "batch_write_item"}:
            kwargs.setdefault("TableName", self.name)
        method = getattr(self.client, operation)
        try:
            result: dict[str, Any] = await asyncio.to_thread(method, **kwargs)
        except ClientError as e:
            if error_code(e) in {"ConditionalCheckFailedException", "TransactionCanceledException"}:
                raise
            raise Unavailable("the data store is unavailable; try again shortly") from e
        except BotoCoreError as e:
            raise Unavailable("the data store is unavailable; try again shortly") from e
        return result

    async def get(self, pk: str, sk: str) -> dict[str, Any] | None:
        result = await self.call("get_item", Key=to_item({"pk": pk, "sk": sk}), ConsistentRead=True)
        item = result.get("Item")
        return from_item(item) if item else None

    async def put(self, values: Mapping[str, Any]) -> None:
        await self.call("put_item", Item=to_item(values))

    async def delete(self, pk: str, sk: str) -> None:
        await self.call("delete_item", Key=to_item({"pk": pk, "sk": sk}))

    async def query(
        self,
        key_condition: str,
        values: Mapping[str, Any],
        *,
        index: str | None = None,
        forward: bool = True,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Every matching item (following pages), or the first `limit` ones."""
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeValues": to_item(values),
            "ScanIndexForward": forward,
        }
        if index:
            kwargs["IndexName"] = index
        else:
            kwargs["ConsistentRead"] = True
        items: list[dict[str, Any]] = []
        while True:
            if limit is not None:
                kwargs["Limit"] = limit - len(items)
            page = await self.call("query", **kwargs)
            items.extend(from_item(i) for i in page.get("Items", []))
            start = page.get("LastEvaluatedKey")
            if not start or (limit is not None and len(items) >= limit):
                return items
            kwargs["ExclusiveStartKey"] = start


def create_table(client: Any, name: str) -> None:
    """The platform's table shape (platform/refocused_infra/tables.py), for tests and local
    development against an AWS-compatible server. Production tables are made by Pulumi."""
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "gsi1pk", "gsi1sk")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": INDEX_NAME,
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
