"""Study tables: decks, cards with their FSRS state, the review log and per-user settings."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from adapters.sql.tables.base import metadata
from adapters.sql.types import UtcDateTime

study_decks = Table(
    "study_decks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("description", String(1000), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_study_decks_user_id", "user_id"),
)

study_cards = Table(
    "study_cards",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("deck_id", String(36), ForeignKey("study_decks.id", ondelete="CASCADE"), nullable=False),
    Column("front", Text, nullable=False),
    Column("back", Text, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("state", String(16), nullable=False),
    Column("due", UtcDateTime, nullable=False),
    Column("step", Integer, nullable=True),
    Column("stability", Float, nullable=True),
    Column("difficulty", Float, nullable=True),
    Column("last_review", UtcDateTime, nullable=True),
    Column("reps", Integer, nullable=False),
    Column("lapses", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_study_cards_deck_state_due", "deck_id", "state", "due"),
    Index("ix_study_cards_user_id", "user_id"),
)

study_reviews = Table(
    "study_reviews",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("card_id", String(36), ForeignKey("study_cards.id", ondelete="CASCADE"), nullable=False),
    Column("rating", Integer, nullable=False),
    Column("reviewed_at", UtcDateTime, nullable=False),
    Column("duration_ms", Integer, nullable=True),
    #: The schedules before and after, as JSON: undo restores `before`; re-fitting reads both.
    Column("state_before", String(16), nullable=False),
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
    Index("ix_study_reviews_user_reviewed_at", "user_id", "reviewed_at"),
    Index("ix_study_reviews_card_id", "card_id"),
)

study_settings = Table(
    "study_settings",
    metadata,
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("desired_retention", Float, nullable=False),
    Column("new_cards_per_day", Integer, nullable=False),
)
