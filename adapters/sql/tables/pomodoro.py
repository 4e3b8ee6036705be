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
    text,
)

from adapters.sql.tables.base import metadata
from adapters.sql.types import UtcDateTime

pomodoro_settings = Table(
    "pomodoro_settings",
    metadata,
    Column(
        "user_id",
        String(36),
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("focus_minutes", Integer, nullable=False),
    Column("short_break_minutes", Integer, nullable=False),
    Column("long_break_minutes", Integer, nullable=False),
    Column("long_break_every", Integer, nullable=False),
    Column("auto_start_breaks", Boolean, nullable=False),
    Column("auto_start_focus", Boolean, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

pomodoro_sessions = Table(
    "pomodoro_sessions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("planned_seconds", Integer, nullable=False),
    Column("actual_seconds", Integer, nullable=True),
    Column("tasks_done", Integer, nullable=False, default=0),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    #: The user's local day when the session ended.
    Column("local_date", Date, nullable=True),
    Index("ix_pomodoro_sessions_user_id_started_at", "user_id", "started_at"),
    Index("ix_pomodoro_sessions_user_id_status", "user_id", "status"),
    #: A person runs one timer at a time, whatever the interleaving of concurrent starts.
    Index(
        "uq_pomodoro_sessions_one_running",
        "user_id",
        unique=True,
        postgresql_where=text("status = 'running'"),
        sqlite_where=text("status = 'running'"),
    ),
)

#: One row per user and local day, grown by atomic upserts as sessions complete.
pomodoro_daily = Table(
    "pomodoro_daily",
    metadata,
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("focus_seconds", Integer, nullable=False),
    Column("focus_sessions", Integer, nullable=False),
    Column("break_sessions", Integer, nullable=False),
    Column("tasks_done", Integer, nullable=False),
    PrimaryKeyConstraint("user_id", "day", name="pk_pomodoro_daily"),
)
