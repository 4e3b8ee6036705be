"""What study needs from the outside world. Adapters implement these; tests fake them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, Self

from domains.study.model import Card, CardState, Deck, Rating, Review, Schedule, StudySettings


class Scheduler(Protocol):
    """A spaced-repetition algorithm (FSRS in production)."""

    def next(
        self, schedule: Schedule, rating: Rating, now: datetime, desired_retention: float
    ) -> Schedule:
        """The schedule after rating the card at `now` (aware UTC)."""
        ...


class DeckRepository(Protocol):
    async def add(self, deck: Deck) -> None: ...
    async def get(self, user_id: str, deck_id: str) -> Deck | None:
        """None also for another user's deck."""
        ...

    async def list_for_user(self, user_id: str) -> Sequence[Deck]: ...
    async def update(self, deck: Deck) -> None: ...
    async def delete(self, user_id: str, deck_id: str) -> None:
        """Deletes its cards and their reviews with it."""
        ...

    async def delete_for_user(self, user_id: str) -> None: ...


class CardRepository(Protocol):
    async def add_many(self, cards: Sequence[Card]) -> None: ...
    async def get(self, user_id: str, card_id: str) -> Card | None: ...
    async def list_for_deck(
        self, user_id: str, deck_id: str, *, limit: int | None = None, offset: int = 0
    ) -> Sequence[Card]:
        """Oldest first: the order they were written in."""
        ...

    async def update(self, card: Card) -> None:
        """Saves the card's content and deck (not its schedule)."""
        ...

    async def reschedule(self, card: Card, *, previous: Schedule) -> bool:
        """Saves the card's schedule only if it is still `previous` (compare and set), so
        two racing reviews of one card cannot both apply; False when it was not."""
        ...

    async def delete(self, user_id: str, card_id: str) -> None: ...

    async def due(self, user_id: str, deck_id: str, until: datetime, limit: int) -> Sequence[Card]:
        """Cards already studied whose due time is at or before `until`, earliest first."""
        ...

    async def new(self, user_id: str, deck_id: str, limit: int) -> Sequence[Card]:
        """Never-studied cards, oldest first."""
        ...

    async def next_due_after(self, user_id: str, deck_id: str, after: datetime) -> datetime | None:
        """The earliest due time after `after` of the deck's studied cards; None when none."""
        ...

    async def count_by_state(self, user_id: str, deck_id: str) -> dict[CardState, int]: ...

    async def count_due(
        self, user_id: str, deck_id: str, after: datetime | None, until: datetime
    ) -> int:
        """Studied cards due in (after, until]; from the beginning when `after` is None."""
        ...


class ReviewRepository(Protocol):
    async def add(self, review: Review) -> None: ...
    async def last_for_user(self, user_id: str) -> Review | None: ...
    async def delete(self, review_id: str) -> None: ...
    async def list_for_card(self, user_id: str, card_id: str) -> Sequence[Review]:
        """Oldest first."""
        ...

    async def count_first_reviews(
        self, user_id: str, deck_id: str, since: datetime, until: datetime
    ) -> int:
        """Cards of the deck studied for the first time in [since, until)."""
        ...

    async def recall_since(self, user_id: str, deck_id: str, since: datetime) -> tuple[int, int]:
        """(reviews, of which recalled) of cards in the review state, in the deck, since then."""
        ...

    async def count_since(self, user_id: str, deck_id: str, since: datetime) -> int:
        """Every review of the deck's cards since then, whatever state each card was in."""
        ...

    async def list_for_user(self, user_id: str) -> Sequence[Review]: ...


class SettingsRepository(Protocol):
    async def get(self, user_id: str) -> StudySettings | None: ...
    async def put(self, user_id: str, settings: StudySettings) -> None: ...
    async def delete(self, user_id: str) -> None: ...


class StudyUnitOfWork(Protocol):
    decks: DeckRepository
    cards: CardRepository
    reviews: ReviewRepository
    settings: SettingsRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None:
        """Rolls back whatever was not committed."""
        ...

    async def commit(self) -> None: ...
