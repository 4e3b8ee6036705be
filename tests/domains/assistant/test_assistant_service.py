from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domains.assistant.errors import QuotaExhausted
from domains.assistant.model import Role
from domains.assistant.use_cases import AssistantService, AssistantUserData
from domains.shared.errors import InvalidInput, NotFound, Unavailable
from domains.shared.ids import new_id
from tests.domains.assistant.fakes import FakeConversations, ScriptedModel
from tests.domains.email.fakes import ClockedRateLimiter, FakeClock


class World:
    def __init__(self, daily: int = 50, available: bool = True) -> None:
        self.clock = FakeClock(datetime(2026, 3, 1, 21, 30, tzinfo=UTC))
        self.store = FakeConversations()
        self.model = ScriptedModel(available=available)
        self.service = AssistantService(
            self.store, self.model, ClockedRateLimiter(self.clock), self.clock, daily
        )


@pytest.fixture
def world() -> World:
    return World()


async def test_a_message_gets_a_reply_and_both_are_kept_in_order(world: World) -> None:
    conversation = await world.service.start("u1")
    reply = await world.service.send("u1", conversation.id, "  How do I start my day?  ")
    assert reply.message.content == "How do I start my day?"
    assert reply.reply.role is Role.ASSISTANT and reply.reply.content == world.model.answer
    _, messages = await world.service.conversation("u1", conversation.id)
    assert [(m.position, m.role) for m in messages] == [(1, Role.USER), (2, Role.ASSISTANT)]


async def test_the_first_message_names_an_untitled_conversation(world: World) -> None:
    conversation = await world.service.start("u1")
    await world.service.send("u1", conversation.id, "Plan my week of exams")
    found, _ = await world.service.conversation("u1", conversation.id)
    assert found.title == "Plan my week of exams"


async def test_the_model_sees_the_system_prompt_then_the_conversation(world: World) -> None:
    conversation = await world.service.start("u1")
    await world.service.send("u1", conversation.id, "first")
    await world.service.send("u1", conversation.id, "second")
    turns = world.model.seen[-1]
    assert turns[0].role is Role.SYSTEM
    assert [(t.role, t.content) for t in turns[1:]] == [
        (Role.USER, "first"),
        (Role.ASSISTANT, world.model.answer),
        (Role.USER, "second"),
    ]


async def test_a_streamed_reply_is_stored_whole_once_it_ends(world: World) -> None:
    conversation = await world.service.start("u1")
    exchange, quota = await world.service.prepare("u1", conversation.id, "hello")
    pieces = [piece async for piece in world.service.stream(exchange)]
    assert len(pieces) > 1 and quota.remaining == 49
    _, messages = await world.service.conversation("u1", conversation.id)
    assert messages[-1].content == "".join(pieces).strip()


async def test_fifty_messages_a_day_then_429_with_the_reset_at_utc_midnight(
    world: World,
) -> None:
    conversation = await world.service.start("u1")
    for _ in range(50):
        await world.service.send("u1", conversation.id, "hi")
    quota = await world.service.quota("u1")
    assert (quota.used, quota.remaining) == (50, 0)
    assert quota.resets_at == datetime(2026, 3, 2, tzinfo=UTC)
    with pytest.raises(QuotaExhausted) as refused:
        await world.service.send("u1", conversation.id, "one more")
    assert refused.value.resets_at == datetime(2026, 3, 2, tzinfo=UTC)
    assert refused.value.retry_after_seconds == 2.5 * 3600
    _, messages = await world.service.conversation("u1", conversation.id)
    assert len(messages) == 100  # the refused message was not stored


async def test_the_quota_is_full_again_after_midnight_utc(world: World) -> None:
    conversation = await world.service.start("u1")
    for _ in range(50):
        await world.service.send("u1", conversation.id, "hi")
    world.clock.advance(hours=2, minutes=29)  # 23:59 UTC: still the same day
    with pytest.raises(QuotaExhausted):
        await world.service.send("u1", conversation.id, "hi")
    world.clock.advance(minutes=1)  # 00:00 UTC
    assert (await world.service.quota("u1")).remaining == 50
    reply = await world.service.send("u1", conversation.id, "good morning")
    assert reply.quota.remaining == 49


async def test_the_quota_is_per_user(world: World) -> None:
    service = AssistantService(
        world.store, world.model, ClockedRateLimiter(world.clock), world.clock, daily_messages=1
    )
    a = await service.start("u1")
    b = await service.start("u2")
    await service.send("u1", a.id, "hi")
    with pytest.raises(QuotaExhausted):
        await service.send("u1", a.id, "hi")
    await service.send("u2", b.id, "hi")


async def test_no_model_means_503_and_nothing_is_counted() -> None:
    world = World(available=False)
    conversation = await world.service.start("u1")
    with pytest.raises(Unavailable):
        await world.service.send("u1", conversation.id, "hi")
    assert (await world.service.quota("u1")).remaining == 50
    _, messages = await world.service.conversation("u1", conversation.id)
    assert messages == []


async def test_another_users_conversation_is_not_found(world: World) -> None:
    conversation = await world.service.start("u1")
    with pytest.raises(NotFound):
        await world.service.conversation("u2", conversation.id)
    with pytest.raises(NotFound):
        await world.service.send("u2", conversation.id, "hi")
    with pytest.raises(NotFound):
        await world.service.delete("u2", conversation.id)
    with pytest.raises(NotFound):
        await world.service.rename("u2", conversation.id, "mine now")
    assert (await world.service.quota("u2")).remaining == 50
    assert [c.id for c in await world.service.conversations("u1")] == [conversation.id]


async def test_deleting_a_conversation_removes_its_messages(world: World) -> None:
    conversation = await world.service.start("u1")
    await world.service.send("u1", conversation.id, "hi")
    await world.service.delete("u1", conversation.id)
    assert await world.service.conversations("u1") == []
    with pytest.raises(NotFound):
        await world.service.delete("u1", conversation.id)
    with pytest.raises(NotFound):
        await world.service.delete("u1", new_id())


@pytest.mark.parametrize("text", ["", "   ", "x" * 4001])
async def test_empty_or_huge_messages_are_refused_before_the_quota(world: World, text: str) -> None:
    conversation = await world.service.start("u1")
    with pytest.raises(InvalidInput):
        await world.service.send("u1", conversation.id, text)
    assert (await world.service.quota("u1")).remaining == 50


async def test_export_and_erase_cover_the_users_conversations(world: World) -> None:
    conversation = await world.service.start("u1", "Exams")
    await world.service.send("u1", conversation.id, "hi")
    contributor = AssistantUserData(world.service)
    exported = await contributor.export("u1")
    assert exported["conversations"][0]["title"] == "Exams"
    assert [m["role"] for m in exported["conversations"][0]["messages"]] == ["user", "assistant"]
    await contributor.erase("u1")
    assert await contributor.export("u1") == {"conversations": []}
