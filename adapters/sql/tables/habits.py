from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
)

from adapters.sql.tables.base import metadata
from adapters.sql.types import UtcDateTime

habits = Table(
    "habits",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    #: The case- and spacing-folded name: uniqueness per user is enforced on it.
    Column("name_key", String(400), nullable=False),
    Column("schedule_kind", String(16), nullable=False),
    #: Bit d set = weekday d (Monday = 0) is scheduled; 0 for other kinds.
    Column("weekdays", Integer, nullable=False),
    Column("times_per_week", Integer, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("favourite", Boolean, nullable=False),
    Column("completions", Integer, nullable=False),
    Column("created_on", Date, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("user_id", "name_key", name="uq_habits_user_id_name_key"),
)

habit_marks = Table(
    "habit_marks",
    metadata,
    Column("habit_id", String(36), ForeignKey("habits.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("marked_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("habit_id", "day", name="pk_habit_marks"),
    Index("ix_habit_marks_user_id", "user_id"),
)
