"""FSRS scheduling on a fake clock, the daily new-card allowance on the user's local day,
undo, and progress."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from domains.shared.errors import InvalidInput
from domains.study.errors import CardNotFound, NothingToUndo
from domains.study.model import CardDraft, CardState
from tests.domains.study.conftest import ALICE, BOB, World


async def _deck_with(world: World, n: int) -> tuple[str, list[str]]:
    deck = await world.decks.create_deck(ALICE, "Spanish")
    cards = await world.cards.create_cards(
        ALICE, deck.id, [CardDraft(f"word {i}", f"palabra {i}") for i in range(n)]
    )
    return deck.id, [c.id for c in cards]


async def _review_when_due(world: World, card_id: str, rating: int) -> timedelta:
    """Waits (on the fake clock) until the card is due, rates it; returns the new interval."""
    card = await world.cards.get_card(ALICE, card_id)
    world.clock.current = max(world.clock.current, card.schedule.due)
    reviewed = await world.reviews.review(ALICE, card_id, rating)
    return reviewed.schedule.due - world.clock.current


async def test_intervals_grow_with_good(world: World) -> None:
    _, (card,) = await _deck_with(world, 1)
    intervals = [await _review_when_due(world, card, 3) for _ in range(6)]
    assert intervals[0] < timedelta(hours=1)  # the learning step first
    assert all(later > earlier for earlier, later in itertools.pairwise(intervals))
    assert intervals[-1] > timedelta(days=60)


async def test_again_shrinks_the_interval_and_counts_a_lapse(world: World) -> None:
    _, (card,) = await _deck_with(world, 1)
    for _ in range(4):
        grown = await _review_when_due(world, card, 3)
    after_lapse = await _review_when_due(world, card, 1)
    assert after_lapse < grown and after_lapse <= timedelta(minutes=10)
    lapsed = await world.cards.get_card(ALICE, card)
    assert lapsed.schedule.state is CardState.RELEARNING and lapsed.schedule.lapses == 1
    relearned = await _review_when_due(world, card, 3)
    assert relearned < grown


async def test_easy_schedules_further_than_hard(world: World) -> None:
    _, (a, b) = await _deck_with(world, 2)
    for card in (a, b):
        await _review_when_due(world, card, 3)
        await _review_when_due(world, card, 3)
    start = world.clock.current + timedelta(days=30)
    world.clock.current = start
    hard = await _review_when_due(world, a, 2)
    world.clock.current = start
    easy = await _review_when_due(world, b, 4)
    assert easy > hard


async def test_a_higher_desired_retention_schedules_sooner(world: World) -> None:
    _, (a, b) = await _deck_with(world, 2)
    intervals = []
    for card, retention in ((a, 0.8), (b, 0.97)):
        await world.reviews.update_settings(ALICE, desired_retention=retention)
        world.clock.current = datetime(2026, 3, 1, 12, tzinfo=UTC)
        for _ in range(3):
            interval = await _review_when_due(world, card, 3)
        intervals.append(interval)
    assert intervals[1] < intervals[0]


@pytest.mark.parametrize("rating", [0, 5, -1, 42])
async def test_ratings_outside_one_to_four_are_refused(world: World, rating: int) -> None:
    _, (card,) = await _deck_with(world, 1)
    with pytest.raises(InvalidInput) as e:
        await world.reviews.review(ALICE, card, rating)
    assert e.value.field == "rating"
    assert world.store.reviews == []


async def test_undo_puts_the_card_back_as_it_was(world: World) -> None:
    _, (card,) = await _deck_with(world, 1)
    await _review_when_due(world, card, 3)
    before = (await world.cards.get_card(ALICE, card)).schedule
    await _review_when_due(world, card, 1)
    restored = await world.reviews.undo_last_review(ALICE)
    assert restored.schedule == before
    assert [r.rating for r in await world.reviews.history(ALICE, card)] == [3]
    await world.reviews.undo_last_review(ALICE)
    assert (await world.cards.get_card(ALICE, card)).schedule.state is CardState.NEW
    with pytest.raises(NothingToUndo):
        await world.reviews.undo_last_review(ALICE)


async def test_the_review_history_is_kept_per_card(world: World) -> None:
    _, (card,) = await _deck_with(world, 1)
    for rating in (3, 3, 1, 3):
        await _review_when_due(world, card, rating)
    history = await world.reviews.history(ALICE, card)
    assert [int(r.rating) for r in history] == [3, 3, 1, 3]
    assert history[0].before.state is CardState.NEW
    with pytest.raises(CardNotFound):
        await world.reviews.history(BOB, card)


async def test_the_queue_limits_new_cards_per_local_day_and_puts_reviews_first(
    world: World,
) -> None:
    world.zones.zones[ALICE] = "America/New_York"  # UTC-5 in March (before DST)
    world.clock.current = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 10:00 local
    await world.reviews.update_settings(ALICE, new_cards_per_day=3)
    deck, _ = await _deck_with(world, 10)
    queue = await world.reviews.queue(ALICE, deck)
    assert len(queue.new) == 3 and queue.reviews == [] and queue.new_left_today == 3
    for card in queue.new:
        await world.reviews.review(ALICE, card.id, 1)  # Again: due again in a minute
    world.clock.advance(minutes=5)
    queue = await world.reviews.queue(ALICE, deck)
    assert len(queue.reviews) == 3 and queue.new == [] and queue.new_left_today == 0
    # 04:30 UTC on the 3rd is still 23:30 on the 2nd in New York: no new allowance yet.
    world.clock.current = datetime(2026, 3, 3, 4, 30, tzinfo=UTC)
    assert (await world.reviews.queue(ALICE, deck)).new_left_today == 0
    world.clock.current = datetime(2026, 3, 3, 5, 30, tzinfo=UTC)  # 00:30 local on the 3rd
    queue = await world.reviews.queue(ALICE, deck)
    assert len(queue.new) == 3 and len(queue.reviews) == 3


async def test_the_queue_never_exceeds_its_limit(world: World) -> None:
    deck, _ = await _deck_with(world, 10)
    queue = await world.reviews.queue(ALICE, deck, limit=2)
    assert len(queue.new) == 2


async def test_progress_counts_states_due_cards_and_retention(world: World) -> None:
    deck, cards = await _deck_with(world, 4)
    for card in cards[:3]:
        await _review_when_due(world, card, 3)
        await _review_when_due(world, card, 3)  # graduates to review, due in days
    world.clock.advance(days=60)
    await _review_when_due(world, cards[0], 3)
    await _review_when_due(world, cards[1], 1)
    progress = await world.reviews.progress(ALICE, deck)
    assert (progress.total, progress.new, progress.learning, progress.review) == (4, 1, 1, 2)
    assert progress.due_today >= 2  # the lapsed card and the untouched review card
    assert progress.reviews_last_30_days == 2 and progress.retention_last_30_days == 0.5
    await _review_when_due(world, cards[3], 3)  # a new card's first review counts too
    progress = await world.reviews.progress(ALICE, deck)
    assert progress.reviews_last_30_days == 3 and progress.retention_last_30_days == 0.5


async def test_reviewing_a_card_is_a_productive_action(world: World) -> None:
    _, (card,) = await _deck_with(world, 1)
    await world.reviews.review(ALICE, card, 3)
    assert [(e.user_id, e.kind) for e in world.events.published] == [(ALICE, "card_reviewed")]
