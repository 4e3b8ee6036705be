"""Assistant history in its DynamoDB table. Every key starts with the user's id, so a request
can only ever reach its own user's items.

    USER#<user>          / CONV#<conversation>   title, times, message_count
    CONV#<user>#<conv>   / MSG#<position>        one message (position zero-padded: sorted)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from adapters.dynamodb.table import DynamoTable, to_item
from domains.assistant.model import Conversation, Message, Role
from domains.shared.errors import NotFound
from domains.shared.ids import new_id

_BATCH = 25  # DynamoDB's BatchWriteItem limit


def _conversation(user_id: str, item: dict[str, Any]) -> Conversation:
    return Conversation(
        id=item["id"],
        user_id=user_id,
        title=item.get("title", ""),
        created_at=datetime.fromisoformat(item["created_at"]),
        updated_at=datetime.fromisoformat(item["updated_at"]),
        message_count=int(item.get("message_count", 0)),
    )


def _message(item: dict[str, Any]) -> Message:
    return Message(
        id=item["id"],
        conversation_id=item["conversation_id"],
        position=int(item["position"]),
        role=Role(item["role"]),
        content=item["content"],
        created_at=datetime.fromisoformat(item["created_at"]),
    )


class DynamoDbConversationStore:
    def __init__(self, table: DynamoTable) -> None:
        self._table = table

    @staticmethod
    def _key(user_id: str, conversation_id: str) -> dict[str, Any]:
        return to_item({"pk": f"USER#{user_id}", "sk": f"CONV#{conversation_id}"})

    async def create(self, conversation: Conversation) -> None:
        c = conversation
        await self._table.put(
            {
                "pk": f"USER#{c.user_id}",
                "sk": f"CONV#{c.id}",
                "id": c.id,
                "title": c.title,
                "created_at": c.created_at.astimezone(UTC).isoformat(),
                "updated_at": c.updated_at.astimezone(UTC).isoformat(),
                "message_count": c.message_count,
            }
        )

    async def get(self, user_id: str, conversation_id: str) -> Conversation | None:
        item = await self._table.get(f"USER#{user_id}", f"CONV#{conversation_id}")
        return _conversation(user_id, item) if item else None

    async def list(self, user_id: str) -> Sequence[Conversation]:
        items = await self._table.query(
            "pk = :p AND begins_with(sk, :c)", {":p": f"USER#{user_id}", ":c": "CONV#"}
        )
        found = [_conversation(user_id, item) for item in items]
        return sorted(found, key=lambda c: (c.updated_at, c.id), reverse=True)

    async def rename(self, user_id: str, conversation_id: str, title: str) -> None:
        try:
            await self._table.call(
                "update_item",
                Key=self._key(user_id, conversation_id),
                UpdateExpression="SET title = :t",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues=to_item({":t": title}),
            )
        except ClientError:
            return

    async def delete(self, user_id: str, conversation_id: str) -> bool:
        try:
            await self._table.call(
                "delete_item",
                Key=self._key(user_id, conversation_id),
                ConditionExpression="attribute_exists(pk)",
            )
        except ClientError:
            return False
        await self._delete_messages(user_id, conversation_id)
        return True

    async def _delete_messages(self, user_id: str, conversation_id: str) -> None:
        items = await self._table.query("pk = :p", {":p": f"CONV#{user_id}#{conversation_id}"})
        for start in range(0, len(items), _BATCH):
            requests = [
                {"DeleteRequest": {"Key": to_item({"pk": i["pk"], "sk": i["sk"]})}}
                for i in items[start : start + _BATCH]
            ]
            pending: dict[str, Any] = {self._table.name: requests}
            while pending:
                result = await self._table.call("batch_write_item", RequestItems=pending)
                pending = result.get("UnprocessedItems") or {}

    async def append(
        self, user_id: str, conversation_id: str, role: Role, content: str, now: datetime
    ) -> Message:
        stamp = now.astimezone(UTC).isoformat()
        try:
            result = await self._table.call(
                "update_item",
                Key=self._key(user_id, conversation_id),
                UpdateExpression="SET updated_at = :now ADD message_count :one",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues=to_item({":now": stamp, ":one": 1}),
                ReturnValues="UPDATED_NEW",
            )
        except ClientError as e:
            raise NotFound("no such conversation") from e
        position = int(result["Attributes"]["message_count"]["N"])
        message = Message(new_id(), conversation_id, position, role, content, now)
        await self._table.put(
            {
                "pk": f"CONV#{user_id}#{conversation_id}",
                "sk": f"MSG#{position:08d}",
                "id": message.id,
                "conversation_id": conversation_id,
                "position": position,
                "role": role.value,
                "content": content,
                "created_at": stamp,
            }
        )
        return message

    async def messages(
        self, user_id: str, conversation_id: str, last: int | None = None
    ) -> Sequence[Message]:
        items = await self._table.query(
            "pk = :p", {":p": f"CONV#{user_id}#{conversation_id}"}, forward=last is None, limit=last
        )
        found = [_message(item) for item in items]
        return sorted(found, key=lambda m: m.position)

    async def erase_user(self, user_id: str) -> None:
        for conversation in await self.list(user_id):
            await self.delete(user_id, conversation.id)
