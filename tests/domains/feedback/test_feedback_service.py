from __future__ import annotations

import pytest

from domains.feedback.model import Category, FeedbackLimits
from domains.feedback.use_cases import FeedbackService, FeedbackUserData
from domains.shared.errors import InvalidInput, NotFound, RateLimited
from domains.shared.ids import new_id
from tests.domains.email.fakes import ClockedRateLimiter, FakeClock
from tests.domains.feedback.fakes import FakeFeedbackStore


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store() -> FakeFeedbackStore:
    return FakeFeedbackStore()


@pytest.fixture
def service(store: FakeFeedbackStore, clock: FakeClock) -> FeedbackService:
    return FeedbackService(
        store, ClockedRateLimiter(clock), clock, FeedbackLimits(feedback_per_ip_per_hour=3)
    )


async def test_anyone_can_send_feedback_with_an_optional_contact(
    service: FeedbackService, store: FakeFeedbackStore
) -> None:
    sent = await service.send_feedback("bug", "  The timer stops at 00:01  ", "10.0.0.1")
    assert sent.category is Category.BUG and sent.text == "The timer stops at 00:01"
    assert sent.contact is None
    with_contact = await service.send_feedback("idea", "Dark mode", "10.0.0.1", "me@example.com")
    assert with_contact.contact == "me@example.com"
    assert len(store.feedback) == 2


@pytest.mark.parametrize(
    ("category", "text", "contact", "field"),
    [
        ("rant", "text", None, "category"),
        ("bug", "   ", None, "text"),
        ("bug", "x" * 2001, None, "text"),
        ("bug", "bell\x07", None, "text"),
        ("bug", "ok", "a\nb", "contact"),
    ],
)
async def test_feedback_is_bounded_and_clean(
    service: FeedbackService, category: str, text: str, contact: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.send_feedback(category, text, "10.0.0.1", contact)
    assert refused.value.field == field


async def test_feedback_is_rate_limited_per_client_address(
    service: FeedbackService, clock: FakeClock
) -> None:
    for _ in range(3):
        await service.send_feedback("idea", "more", "10.0.0.1")
    with pytest.raises(RateLimited):
        await service.send_feedback("idea", "more", "10.0.0.1")
    await service.send_feedback("idea", "from elsewhere", "10.0.0.2")
    clock.advance(hours=1)
    await service.send_feedback("idea", "later", "10.0.0.1")


async def test_one_user_counts_once_however_often_they_vote(service: FeedbackService) -> None:
    feature = await service.propose_feature("u1", "Calendar sync")
    await service.vote("u2", feature.id)
    view = await service.vote("u2", feature.id)
    assert view.feature.votes == 1 and view.voted
    await service.vote("u3", feature.id)
    assert (await service.get_feature(feature.id)).feature.votes == 2


async def test_withdrawing_a_vote_uncounts_it_once(service: FeedbackService) -> None:
    feature = await service.propose_feature("u1", "Calendar sync")
    await service.vote("u2", feature.id)
    await service.unvote("u2", feature.id)
    view = await service.unvote("u2", feature.id)
    assert view.feature.votes == 0 and not view.voted


async def test_features_are_listed_by_votes_with_the_readers_own_votes_marked(
    service: FeedbackService,
) -> None:
    a = await service.propose_feature("u1", "A")
    b = await service.propose_feature("u1", "B")
    await service.vote("u2", b.id)
    listed = await service.list_features("u2")
    assert [v.feature.id for v in listed] == [b.id, a.id]
    assert [v.voted for v in listed] == [True, False]
    assert not any(v.voted for v in await service.list_features(None))


async def test_voting_for_an_unknown_feature_is_not_found(service: FeedbackService) -> None:
    with pytest.raises(NotFound):
        await service.vote("u1", new_id())
    with pytest.raises(NotFound):
        await service.vote("u1", "not-an-id")


async def test_erasing_a_user_withdraws_their_votes_and_anonymises_proposals(
    service: FeedbackService, store: FakeFeedbackStore
) -> None:
    mine = await service.propose_feature("u1", "Mine")
    await service.vote("u1", mine.id)
    await service.vote("u2", mine.id)
    contributor = FeedbackUserData(service)
    exported = await contributor.export("u1")
    assert exported["votes"] == [mine.id]
    assert exported["proposed_features"][0]["title"] == "Mine"
    await contributor.erase("u1")
    feature = await service.get_feature(mine.id)
    assert feature.feature.votes == 1 and feature.feature.created_by is None
    assert await contributor.export("u1") == {"votes": [], "proposed_features": []}
