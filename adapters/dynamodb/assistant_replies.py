"""Reply jobs in the assistant's DynamoDB table, shared by the API (which opens jobs and
reads them) and the ai-handler (which claims a job and writes its pieces). Every key starts
with the user's id.

    USER#<user>          / REPLYKEY#<conversation>#<key>   the job a client key opened
    USER#<user>          / REPLY#<reply>                   the job: status, counts, ids
    REPLY#<user>#<reply> / PIECE#<number>                  one piece (zero-padded: sorted)

Jobs and pieces expire (`expires_at`, the table's TTL attribute) a day after they are opened:
the finished reply lives in the conversation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from adapters.dynamodb.table import DynamoTable, to_item
from domains.assistant.model import ReplyJob, ReplyStatus

_BATCH = 25
KEEP = timedelta(days=1)


def _job(item: dict[str, Any]) -> ReplyJob:
    return ReplyJob(
        id=item["id"],
        user_id=item["user_id"],
        conversation_id=item["conversation_id"],
        key=item["key"],
        status=ReplyStatus(item["status"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        message_id=item.get("message_id", ""),
        message_position=int(item.get("message_position", 0)),
        reply_id=item.get("reply_id", ""),
        error=item.get("error", ""),
        pieces=int(item.get("pieces", 0)),
    )


class DynamoDbReplyStore:
    def __init__(self, table: DynamoTable) -> None:
        self._table = table

    @staticmethod
    def _key(user_id: str, reply_id: str) -> dict[str, Any]:
        return to_item({"pk": f"USER#{user_id}", "sk": f"REPLY#{reply_id}"})

    async def open(self, job: ReplyJob) -> ReplyJob:
        expires = int((job.created_at + KEEP).timestamp())
        key_sk = f"REPLYKEY#{job.conversation_id}#{job.key}"
        try:
            # Both or neither: the key item exists only with the job it names.
            await self._table.call(
                "transact_write_items",
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table.name,
                            "Item": to_item(
                                {
                                    "pk": f"USER#{job.user_id}",
                                    "sk": key_sk,
                                    "reply_id": job.id,
                                    "expires_at": expires,
                                }
                            ),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table.name,
                            "Item": to_item(
                                {
                                    "pk": f"USER#{job.user_id}",
                                    "sk": f"REPLY#{job.id}",
                                    "id": job.id,
                                    "user_id": job.user_id,
                                    "conversation_id": job.conversation_id,
                                    "key": job.key,
                                    "status": job.status.value,
                                    "created_at": job.created_at.astimezone(UTC).isoformat(),
                                    "pieces": 0,
                                    "expires_at": expires,
                                }
                            ),
                        }
                    },
                ],
            )
        except ClientError:
            found = await self._table.get(f"USER#{job.user_id}", key_sk)
            existing = await self.get(job.user_id, found["reply_id"]) if found else None
            if existing is None:
                raise
            return existing
        return job

    async def attach(self, job: ReplyJob) -> None:
        await self._table.call(
            "update_item",
            Key=self._key(job.user_id, job.id),
            UpdateExpression="SET message_id = :m, message_position = :p",
            ExpressionAttributeValues=to_item({":m": job.message_id, ":p": job.message_position}),
        )

    async def get(self, user_id: str, reply_id: str) -> ReplyJob | None:
        item = await self._table.get(f"USER#{user_id}", f"REPLY#{reply_id}")
        return _job(item) if item else None

    async def claim(self, user_id: str, reply_id: str) -> bool:
        try:
            await self._table.call(
                "update_item",
                Key=self._key(user_id, reply_id),
                UpdateExpression="SET #s = :running",
                ConditionExpression="#s = :pending",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=to_item(
                    {":running": ReplyStatus.RUNNING.value, ":pending": ReplyStatus.PENDING.value}
                ),
            )
        except ClientError:
            return False
        return True

    async def add_piece(self, user_id: str, reply_id: str, number: int, text: str) -> None:
        job = await self._table.get(f"USER#{user_id}", f"REPLY#{reply_id}")
        await self._table.put(
            {
                "pk": f"REPLY#{user_id}#{reply_id}",
                "sk": f"PIECE#{number:08d}",
                "text": text,
                "expires_at": job.get("expires_at") if job else None,
            }
        )
        await self._table.call(
            "update_item",
            Key=self._key(user_id, reply_id),
            UpdateExpression="SET pieces = :n",
            ExpressionAttributeValues=to_item({":n": number}),
        )

    async def pieces(self, user_id: str, reply_id: str, after: int = 0) -> Sequence[str]:
        items = await self._table.query(
            "pk = :p AND sk > :s",
            {":p": f"REPLY#{user_id}#{reply_id}", ":s": f"PIECE#{after:08d}"},
        )
        return [str(i["text"]) for i in items]

    async def finish(self, job: ReplyJob) -> None:
        await self._table.call(
            "update_item",
            Key=self._key(job.user_id, job.id),
            UpdateExpression="SET #s = :s, reply_id = :r, #e = :e, pieces = :n",
            ExpressionAttributeNames={"#s": "status", "#e": "error"},
            ExpressionAttributeValues=to_item(
                {":s": job.status.value, ":r": job.reply_id, ":e": job.error, ":n": job.pieces}
            ),
        )

    async def erase_user(self, user_id: str) -> None:
        own = await self._table.query(
            "pk = :p AND begins_with(sk, :r)", {":p": f"USER#{user_id}", ":r": "REPLY"}
        )
        keys = [{"pk": i["pk"], "sk": i["sk"]} for i in own]
        for item in own:
            if str(item["sk"]).startswith("REPLY#"):
                pieces = await self._table.query("pk = :p", {":p": f"REPLY#{user_id}#{item['id']}"})
                keys += [{"pk": p["pk"], "sk": p["sk"]} for p in pieces]
        for start in range(0, len(keys), _BATCH):
            pending: dict[str, Any] = {
                self._table.name: [
                    {"DeleteRequest": {"Key": to_item(k)}} for k in keys[start : start + _BATCH]
                ]
            }
            while pending:
                result = await self._table.call("batch_write_item", RequestItems=pending)
                pending = result.get("UnprocessedItems") or {}
