"""The email service's state in its DynamoDB table.

SUB#<email>   / SUBSCRIPTION   the newsletter subscription
SUPP#<email>  / SUPPRESSION    a bounced or complained address
MAIL#<id>     / DELIVERY       one record per message: the idempotency key of delivery
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from adapters.dynamodb.table import DynamoTable, to_item
from domains.email.model import Subscription, SubscriptionStatus, Suppression, SuppressionReason


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class DynamoDbSubscriptionStore:
    def __init__(self, table: DynamoTable) -> None:
        self._table = table

    async def get(self, email: str) -> Subscription | None:
        item = await self._table.get(f"SUB#{email}", "SUBSCRIPTION")
        if item is None:
            return None
        return Subscription(
            email=item["email"],
            status=SubscriptionStatus(item["status"]),
            created_at=_dt(item["created_at"]) or datetime.now(UTC),
            updated_at=_dt(item["updated_at"]) or datetime.now(UTC),
            confirmed_at=_dt(item.get("confirmed_at")),
            unsubscribed_at=_dt(item.get("unsubscribed_at")),
        )

    async def save(self, subscription: Subscription) -> None:
        s = subscription
        await self._table.put(
            {
                "pk": f"SUB#{s.email}",
                "sk": "SUBSCRIPTION",
                "email": s.email,
                "status": s.status.value,
                "created_at": _iso(s.created_at),
                "updated_at": _iso(s.updated_at),
                "confirmed_at": _iso(s.confirmed_at),
                "unsubscribed_at": _iso(s.unsubscribed_at),
            }
        )

    async def delete(self, email: str) -> None:
        await self._table.delete(f"SUB#{email}", "SUBSCRIPTION")


class DynamoDbSuppressionList:
    def __init__(self, table: DynamoTable) -> None:
        self._table = table

    async def get(self, email: str) -> Suppression | None:
        item = await self._table.get(f"SUPP#{email}", "SUPPRESSION")
        if item is None:
            return None
        created = _dt(item["created_at"]) or datetime.now(UTC)
        return Suppression(item["email"], SuppressionReason(item["reason"]), created)

    async def add(self, suppression: Suppression) -> None:
        item = {
            "pk": f"SUPP#{suppression.email}",
            "sk": "SUPPRESSION",
            "email": suppression.email,
            "reason": suppression.reason.value,
            "created_at": _iso(suppression.created_at),
        }
        # A complaint never downgrades a bounce (which stops all mail, not only marketing).
        kwargs: dict[str, Any] = {"Item": to_item(item)}
        if suppression.reason is not SuppressionReason.BOUNCE:
            kwargs["ConditionExpression"] = "attribute_not_exists(pk) OR reason <> :bounce"
            kwargs["ExpressionAttributeValues"] = to_item({":bounce": "bounce"})
        try:
            await self._table.call("put_item", **kwargs)
        except ClientError:
            return


class DynamoDbDeliveryLog:
    def __init__(self, table: DynamoTable, keep_for: timedelta = timedelta(days=30)) -> None:
        self._table = table
        self._keep_for = keep_for

    async def claim(self, message_id: str, now: datetime, lease: timedelta) -> bool:
        item = {
            "pk": f"MAIL#{message_id}",
            "sk": "DELIVERY",
            "status": "sending",
            "claimed_at": _iso(now),
            "lease_until": int((now + lease).timestamp()),
            # TTL tidies old records; the check below never relies on it having run.
            "expires_at": int((now + self._keep_for).timestamp()),
        }
        try:
            await self._table.call(
                "put_item",
                Item=to_item(item),
                ConditionExpression=(
                    "attribute_not_exists(pk) OR (#s = :sending AND lease_until < :now)"
                ),
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=to_item(
                    {":sending": "sending", ":now": int(now.timestamp())}
                ),
            )
        except ClientError:
            return False
        return True

    async def mark_sent(self, message_id: str, provider_id: str, now: datetime) -> None:
        await self._table.call(
            "update_item",
            Key=to_item({"pk": f"MAIL#{message_id}", "sk": "DELIVERY"}),
            UpdateExpression="SET #s = :sent, sent_at = :now, provider_id = :pid, "
            "gsi1pk = :g, gsi1sk = :pid",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=to_item(
                {":sent": "sent", ":now": _iso(now), ":pid": provider_id, ":g": "PROVIDER"}
            ),
        )

    async def release(self, message_id: str) -> None:
        try:
            await self._table.call(
                "delete_item",
                Key=to_item({"pk": f"MAIL#{message_id}", "sk": "DELIVERY"}),
                ConditionExpression="#s = :sending",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=to_item({":sending": "sending"}),
            )
        except ClientError:
            return
