from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Table,
)

from adapters.sql.tables.base import metadata
from adapters.sql.types import UtcDateTime

mood_entries = Table(
    "mood_entries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("happiness", SmallInteger, nullable=False),
    Column("focus", SmallInteger, nullable=False),
    Column("stress", SmallInteger, nullable=False),
    Column("note", String(500), nullable=False, default=""),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("local_date", Date, nullable=False),
    CheckConstraint("happiness BETWEEN 1 AND 5", name="happiness_range"),
    CheckConstraint("focus BETWEEN 1 AND 5", name="focus_range"),
    CheckConstraint("stress BETWEEN 1 AND 5", name="stress_range"),
    Index("ix_mood_entries_user_day", "user_id", "local_date"),
)
