"""Replies as background jobs: one model run per message however often it is sent or
started, the quota spent only for a reply produced, and the pieces readable as they come."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime

import pytest

from adapters.memory.assistant_replies import InMemoryReplyStore
from domains.assistant.errors import QuotaExhausted
from domains.assistant.model import ChatTurn, ReplyJob, ReplyStatus, Role
from domains.assistant.use_cases import AssistantService
from domains.shared.errors import InvalidInput, NotFound, Unavailable
from tests.domains.assistant.fakes import FakeConversations
from tests.domains.email.fakes import ClockedRateLimiter, FakeClock


class CountingModel:
    """Counts its runs; fails midway when told to."""

    def __init__(self, words: int = 5, fail_after: int | None = None) -> None:
        self.words, self.fail_after, self.runs = words, fail_after, 0

    async def ensure_available(self) -> None:
        return None

    async def reply(self, turns: Sequence[ChatTurn]) -> str:
        return "".join([p async for p in self.stream(turns)])

    async def stream(self, turns: Sequence[ChatTurn]) -> AsyncIterator[str]:
        self.runs += 1
        for i in range(self.words):
            if self.fail_after is not None and i == self.fail_after:
                raise Unavailable("the assistant's model failed while answering")
            yield f"w{i} "


class ManualRunner:
    """Keeps every start; the test runs them when it chooses (as Lambda would, later)."""

    def __init__(self) -> None:
        self.started: list[tuple[ReplyJob, Callable[[], Awaitable[None]]]] = []

    async def start(self, job: ReplyJob, run: Callable[[], Awaitable[None]]) -> None:
        self.started.append((job, run))

    async def run_all(self) -> None:
        for _, run in self.started:
            await run()


class World:
    def __init__(self, model: CountingModel | None = None, daily: int = 50) -> None:
        self.clock = FakeClock(datetime(2026, 3, 1, 21, 30, tzinfo=UTC))
        self.conversations = FakeConversations()
        self.model = model or CountingModel()
        self.replies = InMemoryReplyStore()
        self.runner = ManualRunner()
        self.service = AssistantService(
            self.conversations,
            self.model,
            ClockedRateLimiter(self.clock),
            self.clock,
            daily,
            replies=self.replies,
            runner=self.runner,
        )


async def test_a_retried_message_is_stored_once_and_answered_by_one_model_run() -> None:
    world = World()
    conversation = await world.service.start("u1")
    first = await world.service.submit("u1", conversation.id, "Plan my day", key="k-1")
    again = await world.service.submit("u1", conversation.id, "Plan my day", key="k-1")
    assert first.created and not again.created and again.job.id == first.job.id
    await world.runner.run_all()  # both starts run, as two deliveries of one event would
    assert world.model.runs == 1
    assert await world.service.run("u1", first.job.id) is None  # a late duplicate: no run
    assert world.model.runs == 1
    _, messages = await world.service.conversation("u1", conversation.id)
    assert [m.role for m in messages] == [Role.USER, Role.ASSISTANT]
    assert (await world.service.quota("u1")).used == 1


async def test_another_key_is_another_message() -> None:
    world = World()
    conversation = await world.service.start("u1")
    a = await world.service.submit("u1", conversation.id, "hi", key="k-1")
    b = await world.service.submit("u1", conversation.id, "hi", key="k-2")
    assert a.job.id != b.job.id
    await world.runner.run_all()
    assert world.model.runs == 2


async def test_a_failed_model_leaves_the_quota_unchanged_and_says_so_on_the_reply() -> None:
    world = World(CountingModel(fail_after=2))
    conversation = await world.service.start("u1")
    submitted = await world.service.submit("u1", conversation.id, "hi", key="k-1")
    await world.runner.run_all()
    progress = await world.service.progress("u1", submitted.job.id)
    assert progress.job.status is ReplyStatus.FAILED and "failed" in progress.job.error
    assert progress.pieces == ["w0 ", "w1 "]  # what came before the failure stays readable
    quota = await world.service.quota("u1")
    assert (quota.used, quota.remaining) == (0, 50)


async def test_the_quota_is_spent_when_the_reply_is_done_not_when_it_is_sent() -> None:
    world = World()
    conversation = await world.service.start("u1")
    await world.service.submit("u1", conversation.id, "hi", key="k-1")
    assert (await world.service.quota("u1")).used == 0
    await world.runner.run_all()
    assert (await world.service.quota("u1")).used == 1


async def test_pieces_are_read_after_the_last_one_seen_and_the_done_reply_is_whole() -> None:
    world = World(CountingModel(words=6))
    conversation = await world.service.start("u1")
    submitted = await world.service.submit("u1", conversation.id, "hi", key="k-1")
    pending = await world.service.progress("u1", submitted.job.id)
    assert pending.job.status is ReplyStatus.PENDING and pending.pieces == []
    await world.runner.run_all()
    later = await world.service.progress("u1", submitted.job.id, after=4)
    assert later.pieces == ["w4 ", "w5 "] and later.job.pieces == 6
    assert later.job.status is ReplyStatus.DONE and later.reply is not None
    assert later.reply.content == "w0 w1 w2 w3 w4 w5"


async def test_a_reply_is_only_its_users() -> None:
    world = World()
    conversation = await world.service.start("u1")
    submitted = await world.service.submit("u1", conversation.id, "hi", key="k-1")
    with pytest.raises(NotFound):
        await world.service.progress("u2", submitted.job.id)
    assert await world.service.run("u2", submitted.job.id) is None
    assert world.model.runs == 0


async def test_no_quota_left_is_refused_before_anything_is_stored() -> None:
    world = World(daily=1)
    conversation = await world.service.start("u1")
    await world.service.submit("u1", conversation.id, "one", key="k-1")
    await world.runner.run_all()
    with pytest.raises(QuotaExhausted):
        await world.service.submit("u1", conversation.id, "two", key="k-2")
    _, messages = await world.service.conversation("u1", conversation.id)
    assert len(messages) == 2 and world.model.runs == 1


async def test_an_idempotency_key_is_checked() -> None:
    world = World()
    conversation = await world.service.start("u1")
    with pytest.raises(InvalidInput) as refused:
        await world.service.submit("u1", conversation.id, "hi", key=" ")
    assert refused.value.field == "Idempotency-Key"


async def test_a_whole_reply_whose_model_fails_costs_nothing() -> None:
    world = World(CountingModel(fail_after=1))
    conversation = await world.service.start("u1")
    with pytest.raises(Unavailable):
        await world.service.send("u1", conversation.id, "hi")
    assert (await world.service.quota("u1")).used == 0


async def test_a_reply_whose_run_was_lost_reads_as_failed_after_the_deadline() -> None:
    world = World()
    conversation = await world.service.start("u1")
    submitted = await world.service.submit("u1", conversation.id, "hi", key="k-1")
    world.clock.advance(seconds=world.service.reply_deadline_seconds - 1)
    assert (await world.service.progress("u1", submitted.job.id)).job.status is ReplyStatus.PENDING
    world.clock.advance(seconds=2)  # the run never came (the function timed out, say)
    lost = await world.service.progress("u1", submitted.job.id)
    assert lost.job.status is ReplyStatus.FAILED and "again" in lost.job.error
    assert (await world.service.quota("u1")).used == 0
