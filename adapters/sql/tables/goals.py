from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from adapters.sql.tables.base import metadata
from adapters.sql.types import UtcDateTime

goals = Table(
    "goals",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(120), nullable=False),
    Column("description", String(1000), nullable=False, default=""),
    Column("horizon", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("target", Integer, nullable=False),
    Column("progress", Integer, nullable=False, default=0),
    Column("start_date", Date, nullable=False),
    Column("due_date", Date, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("completed_at", UtcDateTime, nullable=True),
    Column("completed_on", Date, nullable=True),
    CheckConstraint("progress >= 0", name="progress_not_negative"),
    Index("ix_goals_user_id", "user_id"),
)

goal_items = Table(
    "goal_items",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("goal_id", String(36), ForeignKey("goals.id", ondelete="CASCADE"), nullable=False),
    Column("text", String(200), nullable=False),
    Column("done", Boolean, nullable=False, default=False),
    Column("position", Integer, nullable=False),
    Index("ix_goal_items_goal_id", "goal_id"),
)

goal_events = Table(
    "goal_events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("goal_id", String(36), ForeignKey("goals.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("value", Integer, nullable=True),
    Column("detail", String(200), nullable=False, default=""),
    Column("at", UtcDateTime, nullable=False),
    Column("local_date", Date, nullable=False),
    Index("ix_goal_events_goal_at", "goal_id", "at"),
    Index("ix_goal_events_user_day", "user_id", "local_date"),
)
