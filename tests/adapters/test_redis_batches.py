"""Request checks asked for at once travel to Redis together, and each caller still gets its
own answer: the right decision for its own key, its own error, nothing mixed up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from adapters.redis.stores import RedisRateLimiter, RedisRequestChecks
from domains.shared.errors import Unavailable
from domains.shared.rate_limit import Rate
from tests.support.servers import REDIS_URL


@pytest.fixture
async def client() -> AsyncIterator[Redis]:
    redis = Redis.from_url(REDIS_URL)
    yield redis
    await redis.aclose()


def counting_pipelines(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of commands in each pipeline sent from now on."""
    sent: list[int] = []
    execute = Pipeline.execute

    async def counted(self: Pipeline, *args: Any, **kwargs: Any) -> Any:
        sent.append(len(self.command_stack))
        return await execute(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", counted)
    return sent


async def test_checks_asked_at_once_go_together_and_each_gets_its_own_answer(
    client: Redis, redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = RedisRequestChecks(client, redis_prefix)
    limiter = RedisRateLimiter(client, redis_prefix)
    rate = Rate(3, 60)
    await checks.check(rate, "warm-up")  # the script is loaded once, on its first use
    for _ in range(3):  # every other client has spent its allowance
        await limiter.hit("ip:spent", rate)
    sent = counting_pipelines(monkeypatch)

    addresses = [f"ip:{i}" for i in range(20)] + ["ip:spent"]
    answers = await asyncio.gather(*(checks.check(rate, a) for a in addresses))

    assert sent == [len(addresses)]  # one trip for all of them
    decisions = {a: decision for a, (decision, _, _) in zip(addresses, answers, strict=True)}
    assert decisions.pop("ip:spent").allowed is False
    assert all(d.allowed and d.remaining == 2 for d in decisions.values())


async def test_a_check_alone_in_its_turn_is_sent_as_it_is(
    client: Redis, redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = RedisRequestChecks(client, redis_prefix)
    sent = counting_pipelines(monkeypatch)
    for _ in range(3):
        decision, _, _ = await checks.check(Rate(10, 60), "ip:alone")
        assert decision is not None and decision.allowed
    assert sent == []


async def test_checks_sent_together_after_redis_forgot_its_scripts_are_answered(
    client: Redis, redis_prefix: str
) -> None:
    checks = RedisRequestChecks(client, redis_prefix)
    await checks.check(Rate(5, 60), "ip:before")
    await client.script_flush()  # as after a restart or a failover
    answers = await asyncio.gather(*(checks.check(Rate(5, 60), f"ip:{i}") for i in range(5)))
    assert [decision.remaining for decision, _, _ in answers] == [4] * 5


async def test_when_redis_cannot_answer_every_check_of_the_batch_says_so() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    checks = RedisRequestChecks(dead, "rf-test:")
    answers = await asyncio.gather(
        *(checks.check(Rate(5, 60), f"ip:{i}") for i in range(4)), return_exceptions=True
    )
    assert all(isinstance(a, Unavailable) for a in answers), answers
    await dead.aclose()


async def test_a_caller_that_gives_up_leaves_the_others_their_answers(
    client: Redis, redis_prefix: str
) -> None:
    checks = RedisRequestChecks(client, redis_prefix)
    await checks.check(Rate(5, 60), "warm-up")
    calls = [asyncio.ensure_future(checks.check(Rate(5, 60), f"ip:{i}")) for i in range(6)]
    await asyncio.sleep(0)  # all asked, none answered yet
    calls[2].cancel()  # its client went away
    answers = await asyncio.gather(*calls, return_exceptions=True)
    assert isinstance(answers[2], asyncio.CancelledError)
    assert [a[0].remaining for i, a in enumerate(answers) if i != 2] == [4] * 5  # type: ignore[index]
