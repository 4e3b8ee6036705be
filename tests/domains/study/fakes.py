"""Hand-written fakes of study's storage ports."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domains.study.model import Card, CardState, Deck, Rating, Review, Schedule, StudySettings
from tests.support.fakes import AutoCommitUnitOfWork


@dataclass
class Store:
    decks: dict[str, Deck] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    settings: dict[str, StudySettings] = field(default_factory=dict)


class FakeDecks:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, deck: Deck) -> None:
        self.s.decks[deck.id] = copy.deepcopy(deck)

    async def get(self, user_id: str, deck_id: str) -> Deck | None:
        d = self.s.decks.get(deck_id)
        return copy.deepcopy(d) if d and d.user_id == user_id else None

    async def list_for_user(self, user_id: str) -> Sequence[Deck]:
        return sorted(
            (copy.deepcopy(d) for d in self.s.decks.values() if d.user_id == user_id),
            key=lambda d: d.name,
        )

    async def update(self, deck: Deck) -> None:
        self.s.decks[deck.id] = copy.deepcopy(deck)

    async def delete(self, user_id: str, deck_id: str) -> None:
        self.s.decks.pop(deck_id, None)
        gone = {c.id for c in self.s.cards.values() if c.deck_id == deck_id}
        for card_id in gone:
            del self.s.cards[card_id]
        self.s.reviews = [r for r in self.s.reviews if r.card_id not in gone]

    async def delete_for_user(self, user_id: str) -> None:
        for d in [d for d in self.s.decks.values() if d.user_id == user_id]:
            await self.delete(user_id, d.id)


class FakeCards:
    def __init__(self, store: Store) -> None:
        self.s = store

    def _deck(self, user_id: str, deck_id: str) -> list[Card]:
        cards = [c for c in self.s.cards.values() if c.user_id == user_id and c.deck_id == deck_id]
        return sorted(cards, key=lambda c: (c.created_at, c.id))

    async def add_many(self, cards: Sequence[Card]) -> None:
        for card in cards:
            self.s.cards[card.id] = copy.deepcopy(card)

    async def get(self, user_id: str, card_id: str) -> Card | None:
        c = self.s.cards.get(card_id)
        return copy.deepcopy(c) if c and c.user_id == user_id else None

    async def list_for_deck(
        self, user_id: str, deck_id: str, *, limit: int | None = None, offset: int = 0
    ) -> Sequence[Card]:
        end = None if limit is None else offset + limit
        return copy.deepcopy(self._deck(user_id, deck_id)[offset:end])

    async def update(self, card: Card) -> None:
        stored = self.s.cards[card.id]
        stored.deck_id, stored.front, stored.back = card.deck_id, card.front, card.back
        stored.tags, stored.updated_at = list(card.tags), card.updated_at

    async def reschedule(self, card: Card, *, previous: Schedule) -> bool:
        stored = self.s.cards[card.id]
        if (stored.schedule.reps, stored.schedule.due) != (previous.reps, previous.due):
            return False
        stored.schedule, stored.updated_at = card.schedule, card.updated_at
        return True

    async def delete(self, user_id: str, card_id: str) -> None:
        self.s.cards.pop(card_id, None)
        self.s.reviews = [r for r in self.s.reviews if r.card_id != card_id]

    async def due(self, user_id: str, deck_id: str, until: datetime, limit: int) -> Sequence[Card]:
        due = [
            c
            for c in self._deck(user_id, deck_id)
            if c.schedule.state is not CardState.NEW and c.schedule.due <= until
        ]
        return copy.deepcopy(sorted(due, key=lambda c: c.schedule.due)[:limit])

    async def next_due_after(self, user_id: str, deck_id: str, after: datetime) -> datetime | None:
        later = [
            c.schedule.due
            for c in self._deck(user_id, deck_id)
            if c.schedule.state is not CardState.NEW and c.schedule.due > after
        ]
        return min(later, default=None)

    async def new(self, user_id: str, deck_id: str, limit: int) -> Sequence[Card]:
        new = [c for c in self._deck(user_id, deck_id) if c.schedule.state is CardState.NEW]
        return copy.deepcopy(new[:limit])

    async def count_by_state(self, user_id: str, deck_id: str) -> dict[CardState, int]:
        counts: dict[CardState, int] = {}
        for c in self._deck(user_id, deck_id):
            counts[c.schedule.state] = counts.get(c.schedule.state, 0) + 1
        return counts

    async def count_due(
        self, user_id: str, deck_id: str, after: datetime | None, until: datetime
    ) -> int:
        return sum(
            1
            for c in self._deck(user_id, deck_id)
            if c.schedule.state is not CardState.NEW
            and c.schedule.due <= until
            and (after is None or c.schedule.due > after)
        )


class FakeReviews:
    def __init__(self, store: Store) -> None:
        self.s = store

    def _in_deck(self, user_id: str, deck_id: str) -> list[Review]:
        return [
            r
            for r in self.s.reviews
            if r.user_id == user_id
            and r.card_id in self.s.cards
            and self.s.cards[r.card_id].deck_id == deck_id
        ]

    async def add(self, review: Review) -> None:
        self.s.reviews.append(review)

    async def last_for_user(self, user_id: str) -> Review | None:
        mine = [r for r in self.s.reviews if r.user_id == user_id]
        return max(mine, key=lambda r: r.reviewed_at) if mine else None

    async def delete(self, review_id: str) -> None:
        self.s.reviews = [r for r in self.s.reviews if r.id != review_id]

    async def list_for_card(self, user_id: str, card_id: str) -> Sequence[Review]:
        return [r for r in self.s.reviews if r.user_id == user_id and r.card_id == card_id]

    async def count_first_reviews(
        self, user_id: str, deck_id: str, since: datetime, until: datetime
    ) -> int:
        return sum(
            1
            for r in self._in_deck(user_id, deck_id)
            if r.before.state is CardState.NEW and since <= r.reviewed_at < until
        )

    async def recall_since(self, user_id: str, deck_id: str, since: datetime) -> tuple[int, int]:
        mine = [
            r
            for r in self._in_deck(user_id, deck_id)
            if r.before.state is CardState.REVIEW and r.reviewed_at >= since
        ]
        return len(mine), sum(1 for r in mine if r.rating is not Rating.AGAIN)

    async def count_since(self, user_id: str, deck_id: str, since: datetime) -> int:
        return sum(1 for r in self._in_deck(user_id, deck_id) if r.reviewed_at >= since)

    async def list_for_user(self, user_id: str) -> Sequence[Review]:
        return [r for r in self.s.reviews if r.user_id == user_id]


class FakeSettings:
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, user_id: str) -> StudySettings | None:
        return self.s.settings.get(user_id)

    async def put(self, user_id: str, settings: StudySettings) -> None:
        self.s.settings[user_id] = settings

    async def delete(self, user_id: str) -> None:
        self.s.settings.pop(user_id, None)


class FakeUnitOfWork(AutoCommitUnitOfWork):
    def __init__(self, store: Store) -> None:
        self.decks = FakeDecks(store)
        self.cards = FakeCards(store)
        self.reviews = FakeReviews(store)
        self.settings = FakeSettings(store)
