from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

from domains.study.model import (
    MAX_BULK,
    MAX_DECK_NAME,
    MAX_DESCRIPTION,
    MAX_SIDE,
    MAX_TAG,
    MAX_TAGS,
    NEW_CARDS_RANGE,
    RETENTION_RANGE,
    Card,
    Deck,
    DeckProgress,
    Queue,
    Review,
    StudySettings,
)
from entrypoints.settings import MAX_BODY_BYTES

Id = Annotated[str, Meta(min_length=1, max_length=64)]
Name = Annotated[str, Meta(min_length=1, max_length=MAX_DECK_NAME)]
Description = Annotated[str, Meta(max_length=MAX_DESCRIPTION)]
Side = Annotated[str, Meta(min_length=1, max_length=MAX_SIDE, description="markdown")]
Tags = Annotated[
    list[Annotated[str, Meta(min_length=1, max_length=MAX_TAG)]], Meta(max_length=MAX_TAGS)
]
Format = Literal["csv", "tsv"]


class DeckCreate(Struct, forbid_unknown_fields=True):
    name: Name
    description: Description = ""


class DeckUpdate(Struct, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET


class DeckRead(Struct):
    id: str
    name: str
    description: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, d: Deck) -> DeckRead:
        return cls(d.id, d.name, d.description, d.created_at, d.updated_at)


class CardFields(Struct, forbid_unknown_fields=True):
    front: Side
    back: Side
    tags: Tags = []


class CardCreate(Struct, forbid_unknown_fields=True):
    deck_id: Id
    front: Side
    back: Side
    tags: Tags = []


class BulkCardCreate(Struct, forbid_unknown_fields=True):
    cards: Annotated[list[CardFields], Meta(min_length=1, max_length=MAX_BULK)]


class CardUpdate(Struct, forbid_unknown_fields=True):
    front: Side | msgspec.UnsetType = msgspec.UNSET
    back: Side | msgspec.UnsetType = msgspec.UNSET
    tags: Tags | msgspec.UnsetType = msgspec.UNSET
    #: Moves the card to another of your decks.
    deck_id: Id | msgspec.UnsetType = msgspec.UNSET


class CardRead(Struct):
    id: str
    deck_id: str
    front: str
    back: str
    tags: list[str]
    state: str
    due: datetime
    stability: float | None
    difficulty: float | None
    reps: int
    lapses: int
    last_review: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: Card) -> CardRead:
        s = c.schedule
        return cls(
            c.id,
            c.deck_id,
            c.front,
            c.back,
            c.tags,
            s.state.value,
            s.due,
            s.stability,
            s.difficulty,
            s.reps,
            s.lapses,
            s.last_review,
            c.created_at,
            c.updated_at,
        )


class ReviewCreate(Struct, forbid_unknown_fields=True):
    #: 1 again, 2 hard, 3 good, 4 easy.
    rating: Annotated[int, Meta(ge=1, le=4)]
    duration_ms: Annotated[int, Meta(ge=0, le=86_400_000)] | None = None


class ReviewRead(Struct):
    id: str
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    state_before: str
    state_after: str
    due_after: datetime

    @classmethod
    def of(cls, r: Review) -> ReviewRead:
        return cls(
            r.id,
            r.card_id,
            int(r.rating),
            r.reviewed_at,
            r.duration_ms,
            r.before.state.value,
            r.after.state.value,
            r.after.due,
        )


class QueueRead(Struct):
    reviews: list[CardRead]
    new: list[CardRead]
    new_left_today: int

    @classmethod
    def of(cls, q: Queue) -> QueueRead:
        return cls(
            [CardRead.of(c) for c in q.reviews], [CardRead.of(c) for c in q.new], q.new_left_today
        )


class ProgressRead(Struct):
    total: int
    new: int
    learning: int
    review: int
    due_today: int
    due_next_7_days: int
    reviews_last_30_days: int
    retention_last_30_days: float | None

    @classmethod
    def of(cls, p: DeckProgress) -> ProgressRead:
        return cls(
            p.total,
            p.new,
            p.learning,
            p.review,
            p.due_today,
            p.due_next_7_days,
            p.reviews_last_30_days,
            p.retention_last_30_days,
        )


class ImportRequest(Struct, forbid_unknown_fields=True):
    """Anki plain text: one card per line, `front<sep>back[<sep>tags]`, `#key:value` headers."""

    text: Annotated[
        str,
        Meta(
            max_length=MAX_BODY_BYTES,
            description="at most the request body limit; a longer deck goes in several imports",
        ),
    ]
    format: Format = "csv"


class ImportResult(Struct):
    imported: int


class SettingsRead(Struct):
    desired_retention: float
    new_cards_per_day: int

    @classmethod
    def of(cls, s: StudySettings) -> SettingsRead:
        return cls(s.desired_retention, s.new_cards_per_day)


class SettingsUpdate(Struct, forbid_unknown_fields=True):
    desired_retention: (
        Annotated[float, Meta(ge=RETENTION_RANGE[0], le=RETENTION_RANGE[1])] | msgspec.UnsetType
    ) = msgspec.UNSET
    new_cards_per_day: (
        Annotated[int, Meta(ge=NEW_CARDS_RANGE[0], le=NEW_CARDS_RANGE[1])] | msgspec.UnsetType
    ) = msgspec.UNSET
