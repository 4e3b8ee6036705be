"""The study repositories on SQLite and PostgreSQL, driven through the services with real FSRS."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.scheduling.fsrs_scheduler import FsrsScheduler
from adapters.sql.identity import SqlAlchemyIdentityUnitOfWork
from adapters.sql.study import SqlAlchemyStudyUnitOfWork
from adapters.sql.user_time_zones import SqlAlchemyUserTimeZones
from domains.identity.model import User
from domains.shared.days import UserDays
from domains.study.cards import CardService
from domains.study.decks import DeckService
from domains.study.errors import CardNotFound, ConcurrentReview
from domains.study.model import CardChanges, CardDraft, CardState
from domains.study.reviews import ReviewService
from domains.study.user_data import StudyUserData
from tests.domains.journal.fakes import FakeClock


async def _user(engine: AsyncEngine, zone: str = "UTC") -> str:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    user = User(str(uuid.uuid4()), f"{uuid.uuid4().hex[:10]}@example.com", "Ada", zone, now, now)
    async with SqlAlchemyIdentityUnitOfWork(engine) as uow:
        await uow.users.add(user)
        await uow.commit()
    return user.id


@dataclass(frozen=True)
class Study:
    decks: DeckService
    cards: CardService
    reviews: ReviewService
    user_data: StudyUserData


def _study(engine: AsyncEngine, clock: FakeClock) -> Study:
    return Study(
        decks=DeckService(lambda: SqlAlchemyStudyUnitOfWork(engine), clock),
        cards=CardService(lambda: SqlAlchemyStudyUnitOfWork(engine), clock),
        reviews=ReviewService(
            lambda: SqlAlchemyStudyUnitOfWork(engine),
            FsrsScheduler(fuzzing=False),
            clock,
            UserDays(SqlAlchemyUserTimeZones(engine), clock),
        ),
        user_data=StudyUserData(lambda: SqlAlchemyStudyUnitOfWork(engine)),
    )


async def test_cards_and_reviews_round_trip(engine: AsyncEngine) -> None:
    user, clock = await _user(engine), FakeClock()
    study = _study(engine, clock)
    deck = await study.decks.create_deck(user, "Deck", "words")
    (card,) = await study.cards.create_cards(user, deck.id, [CardDraft("Q", "A", ["x", "y"])])
    assert await study.cards.get_card(user, card.id) == card
    reviewed = await study.reviews.review(user, card.id, 3, duration_ms=4200)
    assert await study.cards.get_card(user, card.id) == reviewed
    (review,) = await study.reviews.history(user, card.id)
    assert review.duration_ms == 4200 and review.before.state is CardState.NEW
    assert review.after == reviewed.schedule
    restored = await study.reviews.undo_last_review(user)
    assert restored.schedule.state is CardState.NEW
    assert await study.reviews.history(user, card.id) == []


async def test_the_queue_and_progress_queries(engine: AsyncEngine) -> None:
    user, clock = (
        await _user(engine, "America/New_York"),
        FakeClock(datetime(2026, 3, 2, 15, 0, tzinfo=UTC)),
    )
    study = _study(engine, clock)
    await study.reviews.update_settings(user, new_cards_per_day=2)
    await study.reviews.update_settings(user, desired_retention=0.92)  # the upsert updates
    deck = await study.decks.create_deck(user, "Deck")
    cards = await study.cards.create_cards(
        user, deck.id, [CardDraft(f"Q{i}", "A") for i in range(5)]
    )
    queue = await study.reviews.queue(user, deck.id)
    assert [c.id for c in queue.new] == [cards[0].id, cards[1].id]
    assert queue.changes_at is None  # nothing studied: nothing falls due with the clock
    reviewed = [await study.reviews.review(user, c.id, 1) for c in queue.new]
    queue = await study.reviews.queue(user, deck.id)
    assert queue.reviews == []
    assert queue.changes_at == min(c.schedule.due for c in reviewed)  # the first to fall due
    clock.advance(minutes=2)
    queue = await study.reviews.queue(user, deck.id)
    assert {c.id for c in queue.reviews} == {cards[0].id, cards[1].id}
    assert queue.changes_at is None
    assert queue.new == [] and queue.new_left_today == 0
    progress = await study.reviews.progress(user, deck.id)
    assert (progress.total, progress.new, progress.learning, progress.review) == (5, 3, 2, 0)
    assert progress.due_today == 2 and progress.retention_last_30_days is None
    settings = await study.reviews.settings(user)
    assert (settings.desired_retention, settings.new_cards_per_day) == (0.92, 2)


async def test_retention_counts_recalled_reviews_of_review_cards(engine: AsyncEngine) -> None:
    user, clock = await _user(engine), FakeClock()
    study = _study(engine, clock)
    deck = await study.decks.create_deck(user, "Deck")
    cards = await study.cards.create_cards(
        user, deck.id, [CardDraft(f"Q{i}", "A") for i in range(3)]
    )
    for c in cards:
        await study.reviews.review(user, c.id, 3)
        clock.advance(minutes=11)
        await study.reviews.review(user, c.id, 3)
    clock.advance(days=20)
    for c, rating in zip(cards, (3, 1, 4), strict=True):
        await study.reviews.review(user, c.id, rating)
    progress = await study.reviews.progress(user, deck.id)
    assert progress.reviews_last_30_days == 9  # every review, the learning steps included
    assert progress.retention_last_30_days == pytest.approx(2 / 3, abs=1e-3)


async def test_moving_and_deleting_cards_and_decks(engine: AsyncEngine) -> None:
    user, clock = await _user(engine), FakeClock()
    study = _study(engine, clock)
    one, two = (
        await study.decks.create_deck(user, "One"),
        await study.decks.create_deck(user, "Two"),
    )
    (card,) = await study.cards.create_cards(user, one.id, [CardDraft("Q", "A")])
    await study.reviews.review(user, card.id, 3)
    await study.cards.update_card(user, card.id, CardChanges(deck_id=two.id, back="B"))
    assert [(c.id, c.back) for c in await study.cards.list_cards(user, two.id)] == [(card.id, "B")]
    await study.decks.delete_deck(user, two.id)
    with pytest.raises(CardNotFound):
        await study.cards.get_card(user, card.id)
    assert (await study.user_data.export(user))["reviews"] == []


async def test_erasure_leaves_other_users_alone(engine: AsyncEngine) -> None:
    alice, bob, clock = await _user(engine), await _user(engine), FakeClock()
    study = _study(engine, clock)
    for user in (alice, bob):
        deck = await study.decks.create_deck(user, "Deck")
        (card,) = await study.cards.create_cards(user, deck.id, [CardDraft("Q", "A")])
        await study.reviews.review(user, card.id, 3)
        await study.reviews.update_settings(user, new_cards_per_day=7)
    await study.user_data.erase(alice)
    assert (await study.user_data.export(alice))["decks"] == []
    assert (await study.reviews.settings(alice)).new_cards_per_day == 20
    bobs = await study.user_data.export(bob)
    assert len(bobs["decks"]) == 1 and len(bobs["reviews"]) == 1


async def test_a_card_due_later_today_counts_as_due_today(engine: AsyncEngine) -> None:
    user, clock = await _user(engine), FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    study = _study(engine, clock)
    deck = await study.decks.create_deck(user, "Deck")
    (card,) = await study.cards.create_cards(user, deck.id, [CardDraft("Q", "A")])
    await study.reviews.review(user, card.id, 1)  # due again in a minute
    assert (await study.reviews.progress(user, deck.id)).due_today == 1
    assert (await study.reviews.queue(user, deck.id)).reviews == []  # not yet due right now
    clock.advance(minutes=5)
    assert len((await study.reviews.queue(user, deck.id)).reviews) == 1


async def test_racing_reviews_of_one_card_never_both_apply_to_the_same_state(
    engine: AsyncEngine,
) -> None:
    user, clock = await _user(engine), FakeClock()
    study = _study(engine, clock)
    deck = await study.decks.create_deck(user, "Deck")
    (card,) = await study.cards.create_cards(user, deck.id, [CardDraft("Q", "A")])
    results = await asyncio.gather(
        *(study.reviews.review(user, card.id, 3) for _ in range(4)), return_exceptions=True
    )
    applied = [r for r in results if not isinstance(r, BaseException)]
    assert all(isinstance(r, ConcurrentReview) for r in results if isinstance(r, BaseException))
    history = await study.reviews.history(user, card.id)
    # Each review that counted started from the state the one before it left.
    assert len(history) == len(applied) == (await study.cards.get_card(user, card.id)).schedule.reps
    assert sorted(r.before.reps for r in history) == list(range(len(history)))
