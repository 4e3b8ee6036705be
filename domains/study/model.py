"""Decks, cards and their schedules. A card's schedule is FSRS state, but nothing here knows
the algorithm: the Scheduler port computes the next schedule from a rating."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum

from domains.shared.errors import InvalidInput

MAX_DECK_NAME = 100
MAX_DESCRIPTION = 1000
MAX_SIDE = 20_000
MAX_TAGS = 20
MAX_TAG = 40
MAX_BULK = 500
MAX_IMPORT = 5000


class CardState(StrEnum):
    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"
    RELEARNING = "relearning"


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @classmethod
    def of(cls, value: int) -> Rating:
        try:
            return cls(value)
        except ValueError:
            raise InvalidInput(
                "rate 1 (again), 2 (hard), 3 (good) or 4 (easy)", field="rating"
            ) from None


@dataclass(frozen=True, slots=True)
class Schedule:
    """Where a card stands: its memory state and when it is next due."""

    state: CardState
    due: datetime
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @classmethod
    def new(cls, now: datetime) -> Schedule:
        return cls(state=CardState.NEW, due=now)


@dataclass(slots=True)
class Deck:
    id: str
    user_id: str
    name: str
    description: str
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class Card:
    id: str
    user_id: str
    deck_id: str
    front: str
    back: str
    tags: list[str]
    schedule: Schedule
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CardDraft:
    front: str
    back: str
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CardChanges:
    front: str | None = None
    back: str | None = None
    tags: list[str] | None = None
    #: Moves the card to another of the user's decks.
    deck_id: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """One rating of one card, kept so the scheduler's parameters can be re-fitted later.
    `before` is the schedule it replaced, which is also what undo restores."""

    id: str
    user_id: str
    card_id: str
    rating: Rating
    reviewed_at: datetime
    before: Schedule
    after: Schedule
    duration_ms: int | None = None


#: The inclusive ranges of the settings (the HTTP schema declares the same).
RETENTION_RANGE = (0.7, 0.99)
NEW_CARDS_RANGE = (0, 9999)


@dataclass(frozen=True, slots=True)
class StudySettings:
    desired_retention: float = 0.9
    new_cards_per_day: int = 20

    def __post_init__(self) -> None:
        if not RETENTION_RANGE[0] <= self.desired_retention <= RETENTION_RANGE[1]:
            raise InvalidInput(
                "desired retention is between 0.70 and 0.99", field="desired_retention"
            )
        if not NEW_CARDS_RANGE[0] <= self.new_cards_per_day <= NEW_CARDS_RANGE[1]:
            raise InvalidInput("new cards per day is between 0 and 9999", field="new_cards_per_day")


@dataclass(frozen=True, slots=True)
class Queue:
    """What to study now: due reviews first, then new cards within today's allowance."""

    reviews: list[Card]
    new: list[Card]
    new_left_today: int
    #: When the queue next changes with the clock alone: the next studied card falls due (the
    #: local day's turn aside); None when no card is waiting to fall due.
    changes_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeckProgress:
    total: int
    new: int
    learning: int
    review: int
    due_today: int
    due_next_7_days: int
    reviews_last_30_days: int
    #: Share of reviews of cards in the review state that were not forgotten; None without any.
    retention_last_30_days: float | None


# -- rules -----------------------------------------------------------------------------------


def _printable(text: str) -> bool:
    return not any(ord(c) < 32 and c not in "\n\t\r" for c in text)


def check_deck_name(raw: str) -> str:
    name = raw.strip()
    if not name or len(name) > MAX_DECK_NAME or not _printable(name) or "\n" in name:
        raise InvalidInput(
            f"a deck name has 1 to {MAX_DECK_NAME} printable characters", field="name"
        )
    return name


def check_description(raw: str) -> str:
    text = raw.strip()
    if len(text) > MAX_DESCRIPTION or not _printable(text):
        raise InvalidInput(
            f"a description has at most {MAX_DESCRIPTION} characters", field="description"
        )
    return text


def check_side(raw: str, field: str) -> str:
    text = raw.strip()
    if not text or len(text) > MAX_SIDE or not _printable(text):
        raise InvalidInput(
            f"each side of a card has 1 to {MAX_SIDE} characters of markdown", field=field
        )
    return text


def check_tags(raw: list[str]) -> list[str]:
    """Tags have no spaces, as in Anki, whose plain-text format separates them by spaces."""
    tags: list[str] = []
    for tag in raw:
        tag = tag.strip().lower()
        if not tag or len(tag) > MAX_TAG or any(c.isspace() or ord(c) < 32 for c in tag):
            raise InvalidInput(
                f"each tag has 1 to {MAX_TAG} characters and no spaces", field="tags"
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"at most {MAX_TAGS} tags per card", field="tags")
    return tags


def check_card(draft: CardDraft) -> CardDraft:
    return CardDraft(
        front=check_side(draft.front, "front"),
        back=check_side(draft.back, "back"),
        tags=check_tags(draft.tags),
    )
