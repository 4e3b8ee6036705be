"""The reply-job store's contract, in memory (embedded) and in DynamoDB (the API and the
ai-handler share it): one job per client key, one claim per job, pieces in order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.dynamodb.assistant_replies import DynamoDbReplyStore
from adapters.memory.assistant_replies import InMemoryReplyStore
from domains.assistant.model import ReplyJob, ReplyStatus
from domains.shared.ids import new_id

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def replies(request: pytest.FixtureRequest) -> Any:
    if request.param == "memory":
        return InMemoryReplyStore()
    return DynamoDbReplyStore(request.getfixturevalue("local_aws").new_table())


def job(user: str = "u1", conversation: str = "c1", key: str = "k1") -> ReplyJob:
    return ReplyJob(new_id(), user, conversation, key, ReplyStatus.PENDING, NOW)


async def test_one_job_per_key_even_when_opened_together(replies: Any) -> None:
    opened = await asyncio.gather(*(replies.open(job()) for _ in range(6)))
    assert len({j.id for j in opened}) == 1
    other = await replies.open(job(key="k2"))
    assert other.id != opened[0].id
    elsewhere = await replies.open(job(conversation="c2"))
    assert elsewhere.id != opened[0].id


async def test_exactly_one_claim_wins_and_a_finished_job_is_never_claimed(replies: Any) -> None:
    j = await replies.open(job())
    claims = await asyncio.gather(*(replies.claim("u1", j.id) for _ in range(6)))
    assert sum(claims) == 1
    j.status, j.reply_id = ReplyStatus.DONE, "r1"
    await replies.finish(j)
    assert not await replies.claim("u1", j.id)
    found = await replies.get("u1", j.id)
    assert (found.status, found.reply_id) == (ReplyStatus.DONE, "r1")


async def test_pieces_come_back_in_order_after_the_last_seen(replies: Any) -> None:
    j = await replies.open(job())
    j.message_id, j.message_position = "m1", 3
    await replies.attach(j)
    assert await replies.claim("u1", j.id)
    for n in range(1, 13):
        await replies.add_piece("u1", j.id, n, f"p{n} ")
    found = await replies.get("u1", j.id)
    assert (found.pieces, found.message_id, found.message_position) == (12, "m1", 3)
    assert await replies.pieces("u1", j.id, after=9) == ["p10 ", "p11 ", "p12 "]
    assert len(await replies.pieces("u1", j.id)) == 12


async def test_another_user_finds_nothing_and_erasure_removes_everything(replies: Any) -> None:
    j = await replies.open(job())
    await replies.add_piece("u1", j.id, 1, "secret ")
    assert await replies.get("u2", j.id) is None
    assert not await replies.claim("u2", j.id)
    await replies.erase_user("u1")
    assert await replies.get("u1", j.id) is None
    assert await replies.pieces("u1", j.id) == []
    again = await replies.open(job())
    assert again.id != j.id  # the key is gone with the job
