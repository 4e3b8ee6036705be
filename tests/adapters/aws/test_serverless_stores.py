"""The stores' contracts, on SQLite, PostgreSQL and DynamoDB alike."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from domains.assistant.model import Conversation, Role
from domains.email.model import Subscription, SubscriptionStatus, Suppression, SuppressionReason
from domains.feedback.model import Category, Feature, FeatureStatus, Feedback
from domains.shared.errors import NotFound
from domains.shared.ids import new_id
from tests.adapters.aws.backends import Stores, backend, stores

__all__ = ["backend", "stores"]

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def unique_email() -> str:
    return f"{new_id()[:12]}@example.com"


# -- email ---------------------------------------------------------------------------------


async def test_a_subscription_round_trips_and_is_replaced_on_save(stores: Stores) -> None:
    email = unique_email()
    assert await stores.subscriptions.get(email) is None
    subscription = Subscription(email, SubscriptionStatus.PENDING, NOW, NOW)
    await stores.subscriptions.save(subscription)
    subscription.status = SubscriptionStatus.SUBSCRIBED
    subscription.confirmed_at = NOW + timedelta(minutes=5)
    await stores.subscriptions.save(subscription)
    assert await stores.subscriptions.get(email) == subscription
    await stores.subscriptions.delete(email)
    assert await stores.subscriptions.get(email) is None


async def test_a_complaint_never_downgrades_a_bounce(stores: Stores) -> None:
    email = unique_email()
    await stores.suppressions.add(Suppression(email, SuppressionReason.BOUNCE, NOW))
    await stores.suppressions.add(Suppression(email, SuppressionReason.COMPLAINT, NOW))
    found = await stores.suppressions.get(email)
    assert found is not None and found.reason is SuppressionReason.BOUNCE
    other = unique_email()
    await stores.suppressions.add(Suppression(other, SuppressionReason.COMPLAINT, NOW))
    await stores.suppressions.add(Suppression(other, SuppressionReason.BOUNCE, NOW))
    assert (await stores.suppressions.get(other)).reason is SuppressionReason.BOUNCE


async def test_only_one_of_many_concurrent_claims_on_a_message_wins(stores: Stores) -> None:
    message_id = new_id()
    lease = timedelta(minutes=5)
    claims = await asyncio.gather(
        *(stores.deliveries.claim(message_id, NOW, lease) for _ in range(8))
    )
    assert sum(claims) == 1


async def test_a_sent_message_is_never_claimed_again(stores: Stores) -> None:
    message_id = new_id()
    lease = timedelta(minutes=5)
    assert await stores.deliveries.claim(message_id, NOW, lease)
    await stores.deliveries.mark_sent(message_id, "provider-1", NOW)
    await stores.deliveries.release(message_id)  # no effect on a sent message
    assert not await stores.deliveries.claim(message_id, NOW + timedelta(days=1), lease)


async def test_a_released_or_abandoned_claim_can_be_taken_again(stores: Stores) -> None:
    lease = timedelta(minutes=5)
    released = new_id()
    assert await stores.deliveries.claim(released, NOW, lease)
    await stores.deliveries.release(released)
    assert await stores.deliveries.claim(released, NOW, lease)
    abandoned = new_id()
    assert await stores.deliveries.claim(abandoned, NOW, lease)
    assert not await stores.deliveries.claim(abandoned, NOW + timedelta(minutes=4), lease)
    assert await stores.deliveries.claim(abandoned, NOW + timedelta(minutes=6), lease)


# -- feedback ------------------------------------------------------------------------------


async def _feature(stores: Stores) -> Feature:
    feature = Feature(new_id(), "Calendar sync", "", FeatureStatus.OPEN, NOW, None)
    await stores.feedback.add_feature(feature)
    return feature


async def _stored_feedback(stores: Stores, feedback_id: str) -> dict[str, object] | None:
    """What the store holds for one piece of feedback, read past the port (which only writes:
    feedback is read by the team, not through the API)."""
    if stores.engine is None:
        item = await stores.feedback._table.get(f"FEEDBACK#{feedback_id}", "FEEDBACK")
        if item is None:
            return None
        return {**item, "created_at": datetime.fromisoformat(item["created_at"])}
    from sqlalchemy import select

    from adapters.sql.tables.feedback import feedback

    async with stores.engine.connect() as c:
        row = (await c.execute(select(feedback).where(feedback.c.id == feedback_id))).first()
    return None if row is None else dict(row._mapping)


async def test_feedback_is_stored(stores: Stores) -> None:
    sent = Feedback(new_id(), Category.BUG, "It crashes\non start", NOW, "me@example.com")
    assert await _stored_feedback(stores, sent.id) is None
    await stores.feedback.add_feedback(sent)
    stored = await _stored_feedback(stores, sent.id)
    assert stored is not None
    assert (stored["category"], stored["text"], stored["contact"]) == (
        "bug",
        "It crashes\non start",
        "me@example.com",
    )
    assert stored["created_at"] == NOW


async def test_concurrent_votes_are_counted_exactly_once_per_user(stores: Stores) -> None:
    feature = await _feature(stores)
    voters = [await stores.new_user() for _ in range(12)]
    # Every user votes twice at the same time: 24 concurrent attempts, 12 votes.
    attempts = [stores.feedback.vote(feature.id, u, NOW) for u in voters for _ in range(2)]
    results = await asyncio.gather(*attempts)
    assert sum(results) == 12
    found = await stores.feedback.get_feature(feature.id)
    assert found is not None and found.votes == 12
    assert feature.id in await stores.feedback.voted_feature_ids(voters[0])


async def test_concurrent_withdrawals_uncount_once(stores: Stores) -> None:
    feature = await _feature(stores)
    user = await stores.new_user()
    assert await stores.feedback.vote(feature.id, user, NOW)
    results = await asyncio.gather(*(stores.feedback.unvote(feature.id, user) for _ in range(5)))
    assert sum(results) == 1
    assert (await stores.feedback.get_feature(feature.id)).votes == 0
    assert await stores.feedback.voted_feature_ids(user) == []


async def test_a_vote_for_a_missing_feature_is_not_found(stores: Stores) -> None:
    user = await stores.new_user()
    with pytest.raises(NotFound):
        await stores.feedback.vote(new_id(), user, NOW)


async def test_a_proposers_link_can_be_forgotten(stores: Stores) -> None:
    user = await stores.new_user()
    feature = Feature(new_id(), "Mine", "why", FeatureStatus.OPEN, NOW, user)
    await stores.feedback.add_feature(feature)
    assert [f.id for f in await stores.feedback.proposed_by(user)] == [feature.id]
    await stores.feedback.forget_proposer(user)
    assert await stores.feedback.proposed_by(user) == []
    assert (await stores.feedback.get_feature(feature.id)).created_by is None


# -- assistant -----------------------------------------------------------------------------


async def _conversation(stores: Stores, user: str, at: datetime = NOW) -> Conversation:
    conversation = Conversation(new_id(), user, "", at, at)
    await stores.conversations.create(conversation)
    return conversation


async def test_messages_keep_their_order_and_the_last_ones_can_be_read(stores: Stores) -> None:
    user = await stores.new_user()
    conversation = await _conversation(stores, user)
    for n in range(5):
        role = Role.USER if n % 2 == 0 else Role.ASSISTANT
        await stores.conversations.append(user, conversation.id, role, f"m{n}", NOW)
    everything = await stores.conversations.messages(user, conversation.id)
    assert [m.content for m in everything] == ["m0", "m1", "m2", "m3", "m4"]
    assert [m.position for m in everything] == [1, 2, 3, 4, 5]
    last = await stores.conversations.messages(user, conversation.id, last=2)
    assert [m.content for m in last] == ["m3", "m4"]
    found = await stores.conversations.get(user, conversation.id)
    assert found is not None and found.message_count == 5


async def test_concurrent_appends_take_distinct_positions(stores: Stores) -> None:
    user = await stores.new_user()
    conversation = await _conversation(stores, user)
    await asyncio.gather(
        *(
            stores.conversations.append(user, conversation.id, Role.USER, f"m{n}", NOW)
            for n in range(10)
        )
    )
    positions = [m.position for m in await stores.conversations.messages(user, conversation.id)]
    assert positions == list(range(1, 11))


async def test_another_users_conversation_is_invisible(stores: Stores) -> None:
    owner, stranger = await stores.new_user(), await stores.new_user()
    conversation = await _conversation(stores, owner)
    assert await stores.conversations.get(stranger, conversation.id) is None
    assert await stores.conversations.messages(stranger, conversation.id) == []
    assert not await stores.conversations.delete(stranger, conversation.id)
    with pytest.raises(NotFound):
        await stores.conversations.append(stranger, conversation.id, Role.USER, "x", NOW)
    await stores.conversations.rename(stranger, conversation.id, "stolen")
    assert (await stores.conversations.get(owner, conversation.id)).title == ""


async def test_conversations_are_listed_most_recent_first(stores: Stores) -> None:
    user = await stores.new_user()
    older = await _conversation(stores, user, NOW - timedelta(hours=2))
    newer = await _conversation(stores, user, NOW - timedelta(hours=1))
    await stores.conversations.append(user, older.id, Role.USER, "bump", NOW)
    assert [c.id for c in await stores.conversations.list(user)] == [older.id, newer.id]


async def test_deleting_and_erasing_remove_conversations_with_their_messages(
    stores: Stores,
) -> None:
    user = await stores.new_user()
    first = await _conversation(stores, user)
    second = await _conversation(stores, user)
    for conversation in (first, second):
        await stores.conversations.append(user, conversation.id, Role.USER, "hi", NOW)
    assert await stores.conversations.delete(user, first.id)
    assert await stores.conversations.messages(user, first.id) == []
    assert not await stores.conversations.delete(user, first.id)
    await stores.conversations.erase_user(user)
    assert await stores.conversations.list(user) == []
    assert await stores.conversations.messages(user, second.id) == []
